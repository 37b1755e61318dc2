import { Node } from './node.type';
import { Field, ID, ObjectType } from 'type-graphql';
import { ApiKeyEntity } from '../../entities';
import { toGlobalId } from '../../services/global-id';
import { ApiKeyPage } from '../../services/api-key.service';
import { ApiKeyRole } from '../enums';
import { connectionTypes } from './connection';
import { UserErrorType } from './user-error.type';

@ObjectType('ApiKey', {
  implements: Node,
  description: "An API key of an MSP. Its secret is never shown again after `createApiKey`; the prefix (`cc_<prefix>_...`) names it in logs and the audit log.",
})
export class ApiKey implements Node {
  constructor(readonly entity: ApiKeyEntity) {}

  @Field(() => ID, { description: 'Globally unique, opaque id (pass it to `revokeApiKey`).' })
  get id(): string {
    return toGlobalId('ApiKey', this.entity.id);
  }

  @Field({ description: 'The label given when the key was created.' })
  get name(): string {
    return this.entity.name;
  }

  @Field(() => ApiKeyRole, { description: 'What the key may do.' })
  get role(): ApiKeyRole {
    return this.entity.role;
  }

  @Field({ description: 'The public part of the key: the 8 characters after `cc_`. Not a secret.' })
  get prefix(): string {
    return this.entity.prefix;
  }

  @Field(() => Date, { description: 'When the key was created.' })
  get createdAt(): Date {
    return this.entity.createdAt;
  }

  @Field(() => Date, { nullable: true, description: 'When the key was last used, to the minute (recorded at most once a minute); null if never.' })
  get lastUsedAt(): Date | null {
    return this.entity.lastUsedAt;
  }

  @Field(() => Date, { nullable: true, description: 'When the key was revoked; null while it works.' })
  get revokedAt(): Date | null {
    return this.entity.revokedAt;
  }
}

@ObjectType('ApiKeyConnection', { description: "A page of an MSP's API keys, revoked ones included, newest first." })
export class ApiKeyConnection extends connectionTypes(ApiKey, 'ApiKey', 'API key') {
  constructor(page: ApiKeyPage) {
    super(page, (row: ApiKeyEntity) => new ApiKey(row), () => page.totalCount());
  }
}

@ObjectType('CreateApiKeyPayload', { description: 'The result of `createApiKey`.' })
export class CreateApiKeyPayload {
  @Field(() => ApiKey, { nullable: true, description: 'The new key; null when refused.' })
  apiKey: ApiKey | null;

  @Field(() => String, {
    nullable: true,
    description: 'The full key (`cc_<prefix>_<secret>`) to send as `Authorization: Bearer ...`. Shown here only, never again: store it now.',
  })
  secret: string | null;

  @Field(() => [UserErrorType], { description: 'Why the input was refused; empty on success.' })
  userErrors: UserErrorType[];
}

@ObjectType('RevokeApiKeyPayload', { description: 'The result of `revokeApiKey`.' })
export class RevokeApiKeyPayload {
  @Field(() => ApiKey, { nullable: true, description: 'The key, now revoked; null when refused.' })
  apiKey: ApiKey | null;

  @Field(() => [UserErrorType], { description: 'Why the input was refused; empty on success.' })
  userErrors: UserErrorType[];
}
