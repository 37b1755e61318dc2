import { Authorized, Field, ID, Int, ObjectType } from 'type-graphql';
import { AccountEntity } from '../../entities';
import { ApiKeyRole } from '../../entities/enums';
import { toGlobalId } from '../../services/global-id';
import {
  monitoredUserCount,
  monitoredUserLimit,
  planInEffect,
  seatOverage,
  subscriptionState,
  trialDaysRemaining,
} from '../../services/subscription/subscription-rule';
import { Plan, SubscriptionState } from '../enums';
import { Node } from './node.type';

/**
 * The fields that read what a listed customer is not read with (`LISTED_PROPERTIES`): a list
 * whose operation selects none of them reads fewer columns. A getter reading another column of
 * the entity belongs here (test/narrow-reads.api.test.ts asks for every field both ways).
 */
export const FIELDS_BEYOND_LISTED: ReadonlySet<string> = new Set(['adminEmail', 'adminEmailVerified', 'externalId', 'removalReason']);

@ObjectType('CustomerAccount', {
  implements: Node,
  description: "A customer account of an MSP: added through `addCustomer`, shown in the MSP's Command Center.",
})
export class CustomerAccount implements Node {
  private readonly state: SubscriptionState;

  constructor(
    readonly entity: AccountEntity,
    private readonly now: Date,
  ) {
    this.state = subscriptionState(entity, now);
  }

  @Field(() => ID, { description: 'Globally unique, opaque id.' })
  get id(): string {
    return toGlobalId('CustomerAccount', this.entity.accountNumber);
  }

  @Field({ description: 'The public account number (digits only): quote it to support.' })
  get accountNumber(): string {
    return this.entity.accountNumber;
  }

  @Field({ description: "The label the MSP sees on the Command Center dashboard." })
  get organizationName(): string {
    return this.entity.name;
  }

  @Field({ description: "The address of the account's primary administrator; unique across all accounts." })
  get adminEmail(): string {
    return this.entity.adminEmail;
  }

  @Field({ description: 'Whether the administrator has followed the verification link sent to the admin email.' })
  get adminEmailVerified(): boolean {
    return this.entity.adminEmailVerifiedAt !== null;
  }

  @Field(() => String, { nullable: true, description: "The partner's own id for this customer, unique within the MSP." })
  get externalId(): string | null {
    return this.entity.externalId;
  }

  @Field(() => SubscriptionState, { description: 'Paid, active trial, or expired trial, as of now.' })
  get subscriptionState(): SubscriptionState {
    return this.state;
  }

  @Field(() => Plan, { description: 'The plan in effect: an expired trial runs on FREEMIUM.' })
  get plan(): Plan {
    return planInEffect(this.state);
  }

  @Field(() => Date, { nullable: true, description: 'When the trial ends or ended; kept after an upgrade, as history.' })
  get trialEndsAt(): Date | null {
    return this.entity.trialEndsAt;
  }

  @Field(() => Int, {
    nullable: true,
    description: 'Whole days left in the trial, rounded up; 0 once expired; null for a paid customer.',
  })
  get trialDaysRemaining(): number | null {
    return trialDaysRemaining(this.entity, this.now);
  }

  @Field(() => Int, { nullable: true, description: 'Seats licensed to a paid customer; null for trials.' })
  get licensedSeats(): number | null {
    return this.state === SubscriptionState.PAID ? (this.entity.licensedSeats ?? 0) : null;
  }

  @Field(() => Int, {
    nullable: true,
    description: 'Monitored users above the licensed seats (shown, never blocked), or 0; null for trials.',
  })
  get seatOverage(): number | null {
    return seatOverage(this.entity);
  }

  @Field(() => Int, { description: 'Every user registered with the account, monitored or not.' })
  get userCount(): number {
    return this.entity.userCount;
  }

  @Field(() => Int, { description: 'Users monitored now: all registered users, or at most 3 on Freemium.' })
  get monitoredUserCount(): number {
    return monitoredUserCount(this.entity.userCount, this.state);
  }

  @Field(() => Int, { nullable: true, description: 'The most users the plan monitors: 3 on Freemium; null when unlimited.' })
  get monitoredUserLimit(): number | null {
    return monitoredUserLimit(this.state);
  }

  @Field(() => Date, { description: 'When the customer was added.' })
  get createdAt(): Date {
    return this.entity.createdAt;
  }

  @Field(() => Date, {
    nullable: true,
    description: 'When staff removed the customer (a soft delete); null while it is listed. Only staff see removed customers.',
  })
  get removedAt(): Date | null {
    return this.entity.removedAt;
  }

  @Authorized(ApiKeyRole.STAFF)
  @Field(() => String, { nullable: true, description: 'Why staff removed the customer; null while it is listed or when no reason was given. Staff only.' })
  get removalReason(): string | null {
    return this.entity.removalReason;
  }
}
