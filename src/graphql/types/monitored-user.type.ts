import { Field, ID, ObjectType } from 'type-graphql';
import { MonitoredUserEntity } from '../../entities';
import { toGlobalId } from '../../services/global-id';
import { Node } from './node.type';

@ObjectType('MonitoredUser', { implements: Node, description: 'A person whose activity a customer account monitors.' })
export class MonitoredUser implements Node {
  constructor(readonly entity: MonitoredUserEntity) {}

  @Field(() => ID, { description: 'Globally unique, opaque id.' })
  get id(): string {
    return toGlobalId('MonitoredUser', this.entity.id);
  }

  @Field({ description: 'The login name, unique within the account (compared case-insensitively), as first registered.' })
  get identity(): string {
    return this.entity.identity;
  }

  @Field({ description: 'The name shown for the user.' })
  get displayName(): string {
    return this.entity.displayName;
  }

  @Field(() => Date, { description: 'When the user was first registered.' })
  get firstSeenAt(): Date {
    return this.entity.firstSeenAt;
  }

  @Field(() => Date, { description: 'When the user was last registered or seen.' })
  get lastSeenAt(): Date {
    return this.entity.lastSeenAt;
  }
}
