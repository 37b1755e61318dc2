import { Field, ID, InputType, Int } from 'type-graphql';

@InputType('UpgradeToPaidInput', { description: 'A trial (active or expired) to turn into a paid subscription.' })
export class UpgradeToPaidInput {
  @Field(() => ID, { description: 'The customer account.' })
  customerId: string;

  @Field(() => Int, { description: 'Seats licensed: 1 to 1,000,000. Fewer than the users registered is allowed (shown as `seatOverage`).' })
  licensedSeats: number;
}

@InputType('SetLicensedSeatsInput', { description: "A paid customer's new number of licensed seats." })
export class SetLicensedSeatsInput {
  @Field(() => ID, { description: 'The customer account (paid).' })
  customerId: string;

  @Field(() => Int, { description: 'Seats licensed: 1 to 1,000,000.' })
  licensedSeats: number;
}

@InputType('SetTrialEndInput', { description: "A trial's new end: later extends it, a time already past ends it at once." })
export class SetTrialEndInput {
  @Field(() => ID, { description: 'The customer account (a trial, active or expired).' })
  customerId: string;

  @Field(() => Date, { description: 'When the trial ends: within 365 days of now, in either direction.' })
  trialEndsAt: Date;
}

@InputType('RemoveCustomerInput', { description: "A customer to hide from its MSP's lists, counts and totals (a soft delete)." })
export class RemoveCustomerInput {
  @Field(() => ID, { description: 'The customer account.' })
  customerId: string;

  @Field(() => String, {
    nullable: true,
    description: 'Why it is removed: at most 1,000 characters with no control characters; required for a paid customer. Staff can read it back.',
  })
  reason?: string | null;
}

@InputType('RestoreCustomerInput', { description: 'A removed customer to list again.' })
export class RestoreCustomerInput {
  @Field(() => ID, { description: 'The removed customer account.' })
  customerId: string;
}

@InputType('PurgeCustomerInput', { description: "A removed customer whose personal data is to be replaced with anonymous placeholders." })
export class PurgeCustomerInput {
  @Field(() => ID, { description: 'The removed customer account.' })
  customerId: string;
}

@InputType('LinkStandaloneAccountInput', { description: 'A standalone account (made on the sign-up page) to make a customer of an MSP.' })
export class LinkStandaloneAccountInput {
  @Field({ description: "The standalone account's number." })
  accountNumber: string;

  @Field({ description: "The MSP's account number." })
  mspAccountNumber: string;
}
