import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { SupportRequestStatus } from '../types/support-request.type';
import { ConnectionArgs } from './connection.args';

@ArgsType()
export class SupportRequestsArgs extends ConnectionArgs {
  @Field(() => SupportRequestStatus, { nullable: true, description: 'Only requests in this status.' })
  status?: SupportRequestStatus | null;
}

@InputType('RequestUpgradeInput', { description: 'A request to support to upgrade one of your trials to a paid subscription.' })
export class RequestUpgradeInput {
  @Field(() => ID, { description: 'The customer account: a trial, active or expired.' })
  customerId: string;

  @Field(() => Int, { description: 'The seats to license: 1 or more (fewer than the users is allowed and shows as seat overage).' })
  licensedSeats: number;

  @Field(() => String, { nullable: true, description: 'A note to support (at most 1,000 characters).' })
  note?: string | null;
}

@InputType('RequestTrialExtensionInput', { description: 'A request to support to extend one of your trials.' })
export class RequestTrialExtensionInput {
  @Field(() => ID, { description: 'The customer account: a trial, active or expired.' })
  customerId: string;

  @Field(() => Int, { description: 'Days to add, 1 to 90, counted from the trial end or from approval, whichever is later.' })
  days: number;

  @Field(() => String, { nullable: true, description: 'A note to support (at most 1,000 characters).' })
  note?: string | null;
}

@InputType('RequestRemovalInput', { description: 'A request to support to remove one of your expired trials.' })
export class RequestRemovalInput {
  @Field(() => ID, { description: 'The customer account: an expired trial.' })
  customerId: string;

  @Field(() => String, { nullable: true, description: 'A note to support (at most 1,000 characters); it becomes the removal reason.' })
  note?: string | null;
}

@InputType('ApproveSupportRequestInput', { description: 'An open support request to approve and perform.' })
export class ApproveSupportRequestInput {
  @Field(() => ID, { description: 'The support request.' })
  id: string;

  @Field(() => String, { nullable: true, description: 'A note for the MSP (at most 1,000 characters), shown as the resolution.' })
  note?: string | null;
}

@InputType('RejectSupportRequestInput', { description: 'An open support request to reject.' })
export class RejectSupportRequestInput {
  @Field(() => ID, { description: 'The support request.' })
  id: string;

  @Field(() => String, { nullable: true, description: 'A note for the MSP (at most 1,000 characters), shown as the resolution.' })
  note?: string | null;
}
