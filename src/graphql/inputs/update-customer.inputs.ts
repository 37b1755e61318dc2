import { Field, ID, InputType } from 'type-graphql';

@InputType('UpdateCustomerInput', {
  description: 'Changes to one of your customers. Give at least one field besides customerId; a field left out or null stays as it is.',
})
export class UpdateCustomerInput {
  @Field(() => ID, { description: 'The customer to change.' })
  customerId: string;

  @Field(() => String, {
    nullable: true,
    description: 'A new dashboard label: 1 to 100 characters, unique among your current customers (case-insensitively).',
  })
  organizationName?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Your own id for the customer (1 to 100 characters), unique among your customers; an empty string clears it.',
  })
  externalId?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'A corrected admin email, accepted while the current one is unverified (EMAIL_LOCKED after): unique across all accounts; a new verification email goes to it and earlier links stop working.',
  })
  adminEmail?: string | null;
}
