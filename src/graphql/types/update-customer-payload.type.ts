import { Field, ObjectType } from 'type-graphql';
import { CustomerAccount } from './customer-account.type';
import { UserErrorType } from './user-error.type';

@ObjectType('UpdateCustomerPayload', { description: 'The result of `updateCustomer`.' })
export class UpdateCustomerPayload {
  @Field(() => CustomerAccount, { nullable: true, description: 'The customer as it is now; null when refused.' })
  customer: CustomerAccount | null;

  @Field(() => [UserErrorType], { description: 'Why the input was refused; empty on success.' })
  userErrors: UserErrorType[];
}
