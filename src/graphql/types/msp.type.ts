import { Field, ID, Int, ObjectType } from 'type-graphql';
import { AccountEntity } from '../../entities';
import { toGlobalId } from '../../services/global-id';
import { Node } from './node.type';

@ObjectType('Msp', { implements: Node, description: 'A Managed Service Provider: the parent account whose Command Center lists its customers.' })
export class Msp implements Node {
  constructor(readonly entity: AccountEntity) {}

  @Field(() => ID, { description: 'Globally unique, opaque id.' })
  get id(): string {
    return toGlobalId('Msp', this.entity.accountNumber);
  }

  @Field({ description: "The MSP's public account number (digits only)." })
  get accountNumber(): string {
    return this.entity.accountNumber;
  }

  @Field({ description: "The MSP's name." })
  get name(): string {
    return this.entity.name;
  }

  @Field({ description: "The address of the MSP's primary administrator." })
  get adminEmail(): string {
    return this.entity.adminEmail;
  }

  @Field(() => Date, { description: 'When the MSP account was created.' })
  get createdAt(): Date {
    return this.entity.createdAt;
  }
}

@ObjectType('CustomerCounts', { description: "How many current customers an MSP has in each dashboard tab." })
export class CustomerCounts {
  @Field(() => Int, { description: 'Paid Subscriptions.' })
  paid: number;

  @Field(() => Int, { description: 'Active Trials.' })
  activeTrials: number;

  @Field(() => Int, { description: 'Expired Trials.' })
  expiredTrials: number;

  @Field(() => Int, { description: 'All current customers.' })
  total: number;
}
