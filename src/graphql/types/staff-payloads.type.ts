import { Field, ObjectType } from 'type-graphql';
import { CustomerAccount } from './customer-account.type';
import { UserErrorType } from './user-error.type';

/** The shape every staff operation answers with: the customer after the change, or why not. */
function customerPayload(name: string, customer: string) {
  // Never referenced itself, so never emitted: each subclass is the real type and inherits these fields.
  @ObjectType(`${name}Base`)
  abstract class CustomerPayload {
    @Field(() => CustomerAccount, { nullable: true, description: `${customer}; null when refused.` })
    customer: CustomerAccount | null;

    @Field(() => [UserErrorType], { description: 'Why the input was refused; empty on success.' })
    userErrors: UserErrorType[];
  }
  return CustomerPayload;
}

@ObjectType('UpgradeToPaidPayload', { description: 'The result of `upgradeToPaid`.' })
export class UpgradeToPaidPayload extends customerPayload('UpgradeToPaidPayload', 'The customer, now paid') {}

@ObjectType('SetLicensedSeatsPayload', { description: 'The result of `setLicensedSeats`.' })
export class SetLicensedSeatsPayload extends customerPayload('SetLicensedSeatsPayload', 'The customer with its new seats') {}

@ObjectType('SetTrialEndPayload', { description: 'The result of `setTrialEnd`.' })
export class SetTrialEndPayload extends customerPayload('SetTrialEndPayload', 'The customer with its new trial end') {}

@ObjectType('RemoveCustomerPayload', { description: 'The result of `removeCustomer`.' })
export class RemoveCustomerPayload extends customerPayload('RemoveCustomerPayload', 'The customer, now removed') {}

@ObjectType('RestoreCustomerPayload', { description: 'The result of `restoreCustomer`.' })
export class RestoreCustomerPayload extends customerPayload('RestoreCustomerPayload', 'The customer, listed again') {}

@ObjectType('PurgeCustomerPayload', { description: 'The result of `purgeCustomer`.' })
export class PurgeCustomerPayload extends customerPayload('PurgeCustomerPayload', 'The customer with its personal data replaced') {}

@ObjectType('LinkStandaloneAccountPayload', { description: 'The result of `linkStandaloneAccount`.' })
export class LinkStandaloneAccountPayload extends customerPayload('LinkStandaloneAccountPayload', 'The account, now a customer of the MSP') {}
