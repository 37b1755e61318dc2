import { MaxLength } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';

/** Transport limit only: the business rules (254, 100, ...) answer as user errors in the payload. */
const TRANSPORT_MAX = 1000;

@InputType('UpdateCustomerInput', {
  description: 'Changes to one of your customers. Give at least one field besides customerId; a field left out or null stays as it is.',
})
export class UpdateCustomerInput {
  @Field(() => ID, { description: 'The customer to change.' })
  @MaxLength(TRANSPORT_MAX)
  customerId: string;

  @Field(() => String, {
    nullable: true,
    description: 'A new dashboard label: 1 to 100 characters, unique among your current customers (case-insensitively).',
  })
  @MaxLength(TRANSPORT_MAX)
  organizationName?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Your own id for the customer (1 to 100 characters), unique among your customers; an empty string clears it.',
  })
  @MaxLength(TRANSPORT_MAX)
  externalId?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'A corrected admin email, accepted while the current one is unverified (EMAIL_LOCKED after): unique across all accounts; a new verification email goes to it and earlier links stop working.',
  })
  @MaxLength(TRANSPORT_MAX)
  adminEmail?: string | null;
}
