import { Authorized, Field, ID, ObjectType } from 'type-graphql';
import { ApiKeyRole } from '../../entities/enums';
import { AuditEventEntity } from '../../entities';
import { toGlobalId } from '../../services/global-id';
import { AuditAction } from '../enums';
import { Node } from './node.type';

@ObjectType('AuditActor', { description: 'The API key that acted, by prefix and role. The key itself is never recorded.' })
export class AuditActor {
  @Field({ description: 'The public prefix of the key (`cc_<prefix>_...`), as listed with the keys.' })
  keyPrefix: string;

  @Field(() => ApiKeyRole, { description: "The key's role when it acted." })
  role: ApiKeyRole;
}

@ObjectType('AuditEvent', {
  implements: Node, description: 'One entry of the append-only audit log: a change, an access grant, a key change, or a refused authorization.' })
export class AuditEvent implements Node {
  constructor(readonly entity: AuditEventEntity) {}

  @Field(() => ID, { description: 'Globally unique, opaque id.' })
  get id(): string {
    return toGlobalId('AuditEvent', this.entity.id);
  }

  @Field(() => AuditAction, { description: 'What happened.' })
  get action(): AuditAction {
    return this.entity.action as AuditAction;
  }

  @Field(() => AuditActor, { nullable: true, description: 'Who acted; null for an action taken without a key (an admin following a verification link).' })
  get actor(): AuditActor | null {
    if (this.entity.actorKeyPrefix === null) return null;
    return Object.assign(new AuditActor(), { keyPrefix: this.entity.actorKeyPrefix, role: this.entity.actorRole as ApiKeyRole });
  }

  @Field(() => String, {
    nullable: true,
    description: 'What was acted on: a global id; for AUTHORIZATION_REFUSED, the field the key may not use (e.g. `Mutation.addCustomer`).',
  })
  get target(): string | null {
    return this.entity.target;
  }

  @Field(() => Date, { description: 'When it happened.' })
  get createdAt(): Date {
    return this.entity.createdAt;
  }

  @Field(() => String, { nullable: true, description: 'The `x-request-id` of the HTTP request that did it; null outside the API (the CLI).' })
  get requestId(): string | null {
    return this.entity.requestId;
  }

  // Staff only: an MSP's events include what vendor support did, and support's addresses are not the MSP's to see.
  @Authorized(ApiKeyRole.STAFF)
  @Field(() => String, { nullable: true, description: 'The address the request came from (staff only); null outside the API.' })
  get clientAddress(): string | null {
    return this.entity.clientAddress;
  }
}
