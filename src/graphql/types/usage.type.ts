import { DateResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { CustomerUsage as CustomerUsageData, UsageDay as UsageDayData } from '../../services/usage/usage.service';
import { SubscriptionState } from '../enums';

@ObjectType('CustomerUsage', { description: "One customer's figures in a day's usage snapshot." })
export class CustomerUsage {
  constructor(private readonly data: CustomerUsageData) {}

  @Field(() => ID, { description: "The customer's global id (`CustomerAccount.id`)." })
  get customerId(): string {
    return this.data.customerId;
  }

  @Field({ description: "The customer's account number." })
  get accountNumber(): string {
    return this.data.accountNumber;
  }

  @Field({ description: "The customer's organization name as it is now." })
  get organizationName(): string {
    return this.data.organizationName;
  }

  @Field(() => SubscriptionState, { description: 'Its state when the snapshot was taken.' })
  get state(): SubscriptionState {
    return this.data.state;
  }

  @Field(() => Int, { nullable: true, description: 'Licensed seats of a paid customer; null for a trial.' })
  get licensedSeats(): number | null {
    return this.data.licensedSeats;
  }

  @Field(() => Int, { description: 'Users registered.' })
  get userCount(): number {
    return this.data.userCount;
  }

  @Field(() => Int, { description: 'Users monitored (all of them, or the first 3 on Freemium).' })
  get monitoredUsers(): number {
    return this.data.monitoredUsers;
  }

  @Field(() => Int, { description: 'Monitored users billed: those of a PAID customer, 0 for a trial.' })
  get billable(): number {
    return this.data.billable;
  }
}

@ObjectType('UsageDay', { description: "An MSP's usage on one UTC day, from that day's snapshot." })
export class UsageDay {
  constructor(private readonly data: UsageDayData) {}

  @Field(() => DateResolver, { description: 'The UTC day.' })
  get date(): Date {
    return this.data.date;
  }

  @Field({ description: 'False when no snapshot was taken that day (the server was down, or the day is to come): the figures are then empty.' })
  get recorded(): boolean {
    return this.data.recorded;
  }

  @Field(() => Int, { description: "Billable monitored users that day: the sum of the customers' `billable`." })
  get billableTotal(): number {
    return this.data.billableTotal;
  }

  @Field(() => [CustomerUsage], { description: 'Each current customer that day, by account number.' })
  get customers(): CustomerUsage[] {
    return this.data.customers.map((c) => new CustomerUsage(c));
  }
}
