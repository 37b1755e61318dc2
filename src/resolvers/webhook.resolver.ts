import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { ApiKeyRole } from '../entities/enums';
import { RequestContext, principalOf } from '../graphql/context';
import { ConnectionArgs } from '../graphql/inputs/connection.args';
import {
  CreateWebhookEndpointInput,
  DeliveriesArgs,
  EventsArgs,
  RedeliverWebhookInput,
  UpdateWebhookEndpointInput,
  WebhookEndpointIdInput,
} from '../graphql/inputs/webhook.inputs';
import { Msp } from '../graphql/types/msp.type';
import { payloadParts } from '../graphql/types/payloads.type';
import {
  CreateWebhookEndpointPayload,
  RedeliverWebhookPayload,
  RotateWebhookSecretPayload,
  SendTestWebhookPayload,
  WebhookDelivery,
  WebhookDeliveryConnection,
  WebhookEndpoint,
  WebhookEndpointConnection,
  WebhookEndpointPayload,
  WebhookEvent,
  WebhookEventConnection,
} from '../graphql/types/webhook.type';
import { READERS } from './roles';

@Resolver(() => Msp)
export class MspWebhookResolver {
  @Authorized(READERS)
  @FieldResolver(() => WebhookEndpointConnection, { description: "The MSP's webhook endpoints, newest first (secrets are never listed)." })
  async webhookEndpoints(@Root() msp: Msp, @Args() args: ConnectionArgs, @Ctx() context: RequestContext): Promise<WebhookEndpointConnection> {
    return new WebhookEndpointConnection(await context.services.webhookEndpoints.listPage(msp.entity.id, args));
  }

  @Authorized(READERS)
  @FieldResolver(() => WebhookEventConnection, {
    description: "The MSP's events of the last 30 days, oldest first: store `pageInfo.endCursor` and pass it as `after` to catch up on what you missed.",
  })
  async events(@Root() msp: Msp, @Args() args: EventsArgs, @Ctx() context: RequestContext): Promise<WebhookEventConnection> {
    return new WebhookEventConnection(await context.services.webhookEvents.listPage(msp.entity.id, { first: args.first, after: args.after }, args.types));
  }
}

@Resolver(() => WebhookEndpoint)
export class WebhookResolver {
  @Authorized(READERS)
  @FieldResolver(() => WebhookDeliveryConnection, { description: "The endpoint's deliveries, newest first, each with its attempts." })
  async deliveries(@Root() endpoint: WebhookEndpoint, @Args() args: DeliveriesArgs, @Ctx() context: RequestContext): Promise<WebhookDeliveryConnection> {
    const service = context.services.webhookEndpoints;
    const page = await service.deliveriesPage(endpoint.entity.id, { first: args.first, after: args.after }, args.status);
    const [events, attempts] = await Promise.all([service.eventsByIds(page.rows.map((d) => d.eventId)), service.attemptsOf(page.rows.map((d) => d.id))]);
    return new WebhookDeliveryConnection(page, events, attempts);
  }

  @Authorized(ApiKeyRole.MSP_ADMIN)
  @Mutation(() => CreateWebhookEndpointPayload, {
    description: 'Subscribes a URL of yours to event types. The signing secret is in the payload only: store it. Audited (WEBHOOK_ENDPOINT_CREATED).',
  })
  async createWebhookEndpoint(
    @Arg('input', { description: 'The new endpoint.' }) input: CreateWebhookEndpointInput,
    @Ctx() context: RequestContext,
  ): Promise<CreateWebhookEndpointPayload> {
    const outcome = await context.services.webhookEndpoints.create(principalOf(context), input);
    const { value, userErrors } = payloadParts(outcome, (created) => created);
    return Object.assign(new CreateWebhookEndpointPayload(), { webhookEndpoint: value && new WebhookEndpoint(value.endpoint), secret: value?.secret ?? null, userErrors });
  }

  @Authorized(ApiKeyRole.MSP_ADMIN)
  @Mutation(() => WebhookEndpointPayload, { description: "Changes an endpoint's URL and/or event types. Audited (WEBHOOK_ENDPOINT_UPDATED)." })
  async updateWebhookEndpoint(
    @Arg('input', { description: 'The changes.' }) input: UpdateWebhookEndpointInput,
    @Ctx() context: RequestContext,
  ): Promise<WebhookEndpointPayload> {
    const outcome = await context.services.webhookEndpoints.update(principalOf(context), input);
    const { value, userErrors } = payloadParts(outcome, (e) => new WebhookEndpoint(e));
    return Object.assign(new WebhookEndpointPayload(), { webhookEndpoint: value, userErrors });
  }

  @Authorized(ApiKeyRole.MSP_ADMIN)
  @Mutation(() => WebhookEndpointPayload, { description: 'Deletes an endpoint and its deliveries; pending ones are not sent. Audited (WEBHOOK_ENDPOINT_DELETED).' })
  async deleteWebhookEndpoint(
    @Arg('input', { description: 'The endpoint to delete.' }) input: WebhookEndpointIdInput,
    @Ctx() context: RequestContext,
  ): Promise<WebhookEndpointPayload> {
    const outcome = await context.services.webhookEndpoints.delete(principalOf(context), input.id);
    const { value, userErrors } = payloadParts(outcome, (e) => new WebhookEndpoint(e));
    return Object.assign(new WebhookEndpointPayload(), { webhookEndpoint: value, userErrors });
  }

  @Authorized(ApiKeyRole.MSP_ADMIN)
  @Mutation(() => SendTestWebhookPayload, { description: 'Queues a `webhook.test` event for one endpoint, to check your receiver. Audited (WEBHOOK_TEST_SENT).' })
  async sendTestWebhook(
    @Arg('input', { description: 'The endpoint to test.' }) input: WebhookEndpointIdInput,
    @Ctx() context: RequestContext,
  ): Promise<SendTestWebhookPayload> {
    const outcome = await context.services.webhookEndpoints.sendTest(principalOf(context), input.id);
    const { value, userErrors } = payloadParts(outcome, (sent) => new WebhookEvent(sent.event));
    return Object.assign(new SendTestWebhookPayload(), { event: value, userErrors });
  }

  @Authorized(ApiKeyRole.MSP_ADMIN)
  @Mutation(() => RotateWebhookSecretPayload, {
    description:
      'Replaces the signing secret. For 24 hours every POST carries two signatures (new and old secret), so receivers can switch without losing events. The new secret is in the payload only. Audited (WEBHOOK_SECRET_ROTATED).',
  })
  async rotateWebhookSecret(
    @Arg('input', { description: 'The endpoint whose secret to replace.' }) input: WebhookEndpointIdInput,
    @Ctx() context: RequestContext,
  ): Promise<RotateWebhookSecretPayload> {
    const outcome = await context.services.webhookEndpoints.rotateSecret(principalOf(context), input.id);
    const { value, userErrors } = payloadParts(outcome, (rotated) => rotated);
    return Object.assign(new RotateWebhookSecretPayload(), { webhookEndpoint: value && new WebhookEndpoint(value.endpoint), secret: value?.secret ?? null, userErrors });
  }

  @Authorized(ApiKeyRole.MSP_ADMIN)
  @Mutation(() => RedeliverWebhookPayload, {
    description: 'Sends a delivery\'s event to its endpoint again, as a new delivery with the same `webhook-id`. Audited (WEBHOOK_REDELIVERED).',
  })
  async redeliverWebhook(
    @Arg('input', { description: 'The delivery to send again.' }) input: RedeliverWebhookInput,
    @Ctx() context: RequestContext,
  ): Promise<RedeliverWebhookPayload> {
    const service = context.services.webhookEndpoints;
    const outcome = await service.redeliver(principalOf(context), input.deliveryId);
    const events = outcome.ok ? await service.eventsByIds([outcome.value.eventId]) : new Map();
    const { value, userErrors } = payloadParts(outcome, (d) => new WebhookDelivery(d, events.get(d.eventId) ?? null, []));
    return Object.assign(new RedeliverWebhookPayload(), { delivery: value, userErrors });
  }
}
