import { Field, ID, InputType } from 'type-graphql';
import { ApiKeyRole } from '../enums';

@InputType('CreateApiKeyInput', { description: 'A new API key for your MSP.' })
export class CreateApiKeyInput {
  @Field({ description: 'A label for the key (1 to 100 characters, no control characters), e.g. where it is used.' })
  name: string;

  @Field(() => ApiKeyRole, { description: 'MSP_ADMIN (read and change your MSP) or MSP_READ (read it); other roles are refused (INVALID_ROLE).' })
  role: ApiKeyRole;
}

@InputType('RevokeApiKeyInput', { description: 'One of your MSP\'s API keys to revoke.' })
export class RevokeApiKeyInput {
  @Field(() => ID, { description: 'The key (`ApiKey.id`).' })
  id: string;
}
