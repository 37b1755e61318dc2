import { Field, ObjectType } from 'type-graphql';
import { EmailUnavailableReason } from '../enums';

@ObjectType('EmailAvailability', { description: 'Whether an address can be the admin email of a new customer.' })
export class EmailAvailability {
  @Field({ description: 'True when `addCustomer` would accept the address.' })
  available: boolean;

  @Field(() => EmailUnavailableReason, { nullable: true, description: 'Why not; null when available.' })
  reason: EmailUnavailableReason | null;
}
