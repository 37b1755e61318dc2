import { Field, ObjectType } from 'type-graphql';
import { Outcome } from '../../services/errors';
import { CustomerAccount } from './customer-account.type';
import { MonitoredUser } from './monitored-user.type';
import { UserErrorType } from './user-error.type';

@ObjectType('AddCustomerPayload', { description: 'The result of `addCustomer`.' })
export class AddCustomerPayload {
  @Field(() => CustomerAccount, { nullable: true, description: 'The customer added (or, on an idempotent retry, added first); null when refused.' })
  customer: CustomerAccount | null;

  @Field(() => [UserErrorType], { description: 'Why the input was refused; empty on success.' })
  userErrors: UserErrorType[];
}

@ObjectType('RegisterMonitoredUserPayload', { description: 'The result of `registerMonitoredUser`.' })
export class RegisterMonitoredUserPayload {
  @Field(() => MonitoredUser, { nullable: true, description: 'The user registered or seen again; null when refused.' })
  monitoredUser: MonitoredUser | null;

  @Field(() => [UserErrorType], { description: 'Why the input was refused; empty on success.' })
  userErrors: UserErrorType[];
}

@ObjectType('RemoveMonitoredUserPayload', { description: 'The result of `removeMonitoredUser`.' })
export class RemoveMonitoredUserPayload {
  @Field(() => MonitoredUser, { nullable: true, description: 'The user as it was before removal; null when refused.' })
  monitoredUser: MonitoredUser | null;

  @Field(() => [UserErrorType], { description: 'Why the input was refused; empty on success.' })
  userErrors: UserErrorType[];
}

/** Splits an outcome into the payload's object and its user errors. */
export function payloadParts<T, G>(outcome: Outcome<T>, map: (value: T) => G): { value: G | null; userErrors: UserErrorType[] } {
  return outcome.ok ? { value: map(outcome.value), userErrors: [] } : { value: null, userErrors: outcome.errors };
}
