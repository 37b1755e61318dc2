import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { ApiKeyRole } from '../entities/enums';
import { RequestContext, principalOf } from '../graphql/context';
import { CreateApiKeyInput, RevokeApiKeyInput } from '../graphql/inputs/api-key.inputs';
import { ConnectionArgs } from '../graphql/inputs/connection.args';
import { ApiKey, ApiKeyConnection, CreateApiKeyPayload, RevokeApiKeyPayload } from '../graphql/types/api-key.type';
import { Msp } from '../graphql/types/msp.type';
import { payloadParts } from '../graphql/types/payloads.type';
import { READERS } from './roles';

@Resolver(() => Msp)
export class ApiKeyResolver {
  @Authorized(READERS)
  @FieldResolver(() => ApiKeyConnection, {
    description: "The MSP's API keys, revoked ones included, newest first. Secrets are never listed; MSP_READ keys may list too.",
  })
  async apiKeys(@Root() msp: Msp, @Args() args: ConnectionArgs, @Ctx() context: RequestContext): Promise<ApiKeyConnection> {
    return new ApiKeyConnection(await context.services.apiKeys.listPage(msp.entity.id, args));
  }

  @Authorized(ApiKeyRole.MSP_ADMIN)
  @Mutation(() => CreateApiKeyPayload, {
    description: 'Creates an API key for your MSP. The full key is in the payload only: store it, it is never shown again. Audited (API_KEY_CREATED).',
  })
  async createApiKey(
    @Arg('input', { description: 'The new key.' }) input: CreateApiKeyInput,
    @Ctx() context: RequestContext,
  ): Promise<CreateApiKeyPayload> {
    const outcome = await context.services.apiKeys.createForMsp(principalOf(context), input);
    const { value, userErrors } = payloadParts(outcome, (created) => created);
    return Object.assign(new CreateApiKeyPayload(), { apiKey: value && new ApiKey(value.key), secret: value?.secret ?? null, userErrors });
  }

  @Authorized(ApiKeyRole.MSP_ADMIN)
  @Mutation(() => RevokeApiKeyPayload, {
    description:
      "Revokes one of your MSP's API keys: its next request gets HTTP 401. The calling key may revoke itself (this response still arrives). Audited (API_KEY_REVOKED).",
  })
  async revokeApiKey(
    @Arg('input', { description: 'The key to revoke.' }) input: RevokeApiKeyInput,
    @Ctx() context: RequestContext,
  ): Promise<RevokeApiKeyPayload> {
    const outcome = await context.services.apiKeys.revoke(principalOf(context), input.id);
    const { value, userErrors } = payloadParts(outcome, (key) => new ApiKey(key));
    return Object.assign(new RevokeApiKeyPayload(), { apiKey: value, userErrors });
  }
}
