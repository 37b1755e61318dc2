import { MaxLength } from 'class-validator';
import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { CustomerOrderField, OrderDirection, SubscriptionState } from '../enums';
import { ConnectionArgs } from './connection.args';

/** A search term longer than this is BAD_USER_INPUT (mutation inputs have no such cap: past their rules they get user errors). */
const TRANSPORT_MAX = 1000;

@InputType('CustomerOrder', { description: 'How to sort a customer list. Both fields are required.' })
export class CustomerOrderInput {
  @Field(() => CustomerOrderField, { description: 'The field to sort by.' })
  field: CustomerOrderField;

  @Field(() => OrderDirection, { description: 'The direction to sort in.' })
  direction: OrderDirection;
}

@ArgsType()
export class CustomersArgs extends ConnectionArgs {
  @Field(() => SubscriptionState, { nullable: true, description: 'Only customers in this state (a dashboard tab).' })
  state?: SubscriptionState | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Case-insensitive substring of the organization name or admin email (`%` and `_` match themselves), or an exact account number.',
  })
  @MaxLength(TRANSPORT_MAX)
  search?: string | null;

  @Field(() => CustomerOrderInput, { nullable: true, description: 'Sort order; default CREATED_AT DESC.' })
  orderBy?: CustomerOrderInput | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Staff only: list removed customers too (each with its `removedAt`). `true` from an MSP key answers FORBIDDEN.',
  })
  includeRemoved?: boolean | null;
}

@InputType('AddCustomerInput', { description: 'A new customer account: it starts as an active trial linked to your MSP.' })
export class AddCustomerInput {
  @Field({
    description:
      "The primary administrator's email: unique across all accounts (use an alias you can receive mail at, e.g. acme@your-msp.com).",
  })
  adminEmail: string;

  @Field({ description: 'The label you will see on the dashboard: 1 to 100 characters, unique among your customers.' })
  organizationName: string;

  @Field(() => String, { nullable: true, description: 'Your own id for the customer (1 to 100 characters), unique among your customers.' })
  externalId?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Makes retries safe: the same key with the same input within 24 hours returns the first result instead of adding again.',
  })
  idempotencyKey?: string | null;
}

@InputType('RegisterMonitoredUserInput', { description: 'A user to monitor on a customer account.' })
export class RegisterMonitoredUserInput {
  @Field(() => ID, { description: 'The customer account.' })
  customerId: string;

  @Field({ description: 'The login name (1 to 255 characters), unique within the account, compared case-insensitively.' })
  identity: string;

  @Field(() => String, { nullable: true, description: 'The name shown for the user (1 to 200 characters); defaults to the identity.' })
  displayName?: string | null;
}

@InputType('RemoveMonitoredUserInput', { description: 'A monitored user to remove from its customer account.' })
export class RemoveMonitoredUserInput {
  @Field(() => ID, { description: 'The monitored user.' })
  id: string;
}
