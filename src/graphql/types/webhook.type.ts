import { Field, ID, Int, ObjectType } from 'type-graphql';
import { WebhookAttemptEntity, WebhookDeliveryEntity, WebhookEndpointEntity, WebhookEventEntity } from '../../entities';
import { toGlobalId } from '../../services/global-id';
import { CountedPage } from '../../services/webhooks/webhook-endpoint.service';
import { EventPage } from '../../services/webhooks/webhook-event.service';
import { WebhookEventType, eventTypeOf } from '../../services/webhooks/webhook-event-type';
import { WebhookDeliveryStatus } from '../webhook-enums';
import { connectionTypes } from './connection';
import { Node } from './node.type';
import { UserErrorType } from './user-error.type';

@ObjectType('WebhookEndpoint', {
  implements: Node,
  description: 'A URL of your MSP that receives signed event POSTs (Standard Webhooks). Its signing secret is shown only by `createWebhookEndpoint` and `rotateWebhookSecret`.',
})
export class WebhookEndpoint implements Node {
  constructor(readonly entity: WebhookEndpointEntity) {}

  @Field(() => ID, { description: 'Globally unique, opaque id.' })
  get id(): string {
    return toGlobalId('WebhookEndpoint', this.entity.id);
  }

  @Field({ description: 'Where events are POSTed.' })
  get url(): string {
    return this.entity.url;
  }

  @Field(() => [WebhookEventType], { description: 'The event types sent here (WEBHOOK_TEST events from `sendTestWebhook` always are).' })
  get events(): WebhookEventType[] {
    return this.entity.events.split(',').flatMap((name) => eventTypeOf(name) ?? []);
  }

  @Field(() => Date, { nullable: true, description: 'Until when the secret replaced by the last rotation still signs too; null when only one secret signs.' })
  get previousSecretExpiresAt(): Date | null {
    return this.entity.previousSecretExpiresAt;
  }

  @Field(() => Date, { description: 'When the endpoint was created.' })
  get createdAt(): Date {
    return this.entity.createdAt;
  }

  @Field(() => Date, { description: 'When its URL, events or secret last changed.' })
  get updatedAt(): Date {
    return this.entity.updatedAt;
  }
}

@ObjectType('WebhookEvent', { description: 'Something that happened to your MSP, as POSTed to subscribed endpoints. Kept 30 days.' })
export class WebhookEvent {
  constructor(readonly entity: WebhookEventEntity) {}

  @Field(() => ID, { description: 'Globally unique, opaque id (GraphQL).' })
  get id(): string {
    return toGlobalId('WebhookEvent', this.entity.id);
  }

  @Field({ description: 'The `webhook-id` header and the body\'s `id` (`msg_...`): the same on every retry, so receivers can drop repeats.' })
  get messageId(): string {
    return this.entity.messageId;
  }

  @Field(() => WebhookEventType, { description: 'What happened; the body\'s `type` is its `resource.action` name (e.g. `customer.created`).' })
  get type(): WebhookEventType {
    return eventTypeOf(this.entity.type) as WebhookEventType;
  }

  @Field(() => Date, { description: 'When it happened (the body\'s `createdAt`).' })
  get createdAt(): Date {
    return this.entity.createdAt;
  }

  @Field({ description: 'The body\'s `data` as a JSON string; docs/webhooks.md describes each type\'s shape.' })
  get data(): string {
    return this.entity.data;
  }
}

@ObjectType('WebhookDeliveryAttempt', { description: 'One POST of a delivery.' })
export class WebhookDeliveryAttempt {
  constructor(readonly entity: WebhookAttemptEntity) {}

  @Field(() => Date, { description: 'When it was sent.' })
  get attemptedAt(): Date {
    return this.entity.attemptedAt;
  }

  @Field(() => Int, { nullable: true, description: 'The HTTP status the receiver answered; null when none came (timeout, refused address, network error).' })
  get statusCode(): number | null {
    return this.entity.statusCode;
  }

  @Field(() => String, { nullable: true, description: 'Why it did not succeed; null for a 2xx answer.' })
  get error(): string | null {
    return this.entity.error;
  }

  @Field(() => Int, { description: 'How long the attempt took, in milliseconds.' })
  get durationMs(): number {
    return this.entity.durationMs;
  }
}

@ObjectType('WebhookDelivery', { description: 'One event sent (or to be sent) to one endpoint, with its attempts.' })
export class WebhookDelivery {
  /** The event and the attempts come loaded with the page (one query each for the whole page). */
  constructor(
    readonly entity: WebhookDeliveryEntity,
    private readonly loadedEvent: WebhookEventEntity | null,
    private readonly loadedAttempts: WebhookAttemptEntity[],
  ) {}

  @Field(() => WebhookEvent, { nullable: true, description: 'The event delivered; null once it is past the 30-day retention.' })
  get event(): WebhookEvent | null {
    return this.loadedEvent && new WebhookEvent(this.loadedEvent);
  }

  @Field(() => [WebhookDeliveryAttempt], { description: 'Each POST so far, oldest first, with its status code and time.' })
  get attempts(): WebhookDeliveryAttempt[] {
    return this.loadedAttempts.map((a) => new WebhookDeliveryAttempt(a));
  }

  @Field(() => ID, { description: 'Globally unique, opaque id (pass it to `redeliverWebhook`).' })
  get id(): string {
    return toGlobalId('WebhookDelivery', this.entity.id);
  }

  @Field(() => WebhookDeliveryStatus, { description: 'PENDING until a 2xx answer (SUCCEEDED) or until its 24 hours of retries run out (FAILED).' })
  get status(): WebhookDeliveryStatus {
    return this.entity.status;
  }

  @Field(() => Int, { description: 'How many POSTs were made.' })
  get attemptCount(): number {
    return this.entity.attempts;
  }

  @Field(() => Date, { nullable: true, description: 'When the next attempt is due; null once SUCCEEDED or FAILED.' })
  get nextAttemptAt(): Date | null {
    return this.entity.nextAttemptAt;
  }

  @Field(() => Date, { description: 'When it was queued.' })
  get createdAt(): Date {
    return this.entity.createdAt;
  }

  @Field(() => Date, { nullable: true, description: 'When it succeeded or was given up.' })
  get completedAt(): Date | null {
    return this.entity.completedAt;
  }
}

@ObjectType('WebhookEndpointConnection', { description: "A page of your MSP's webhook endpoints, newest first." })
export class WebhookEndpointConnection extends connectionTypes(WebhookEndpoint, 'WebhookEndpoint', 'webhook endpoint') {
  constructor(page: CountedPage<WebhookEndpointEntity>) {
    super(page, (row: WebhookEndpointEntity) => new WebhookEndpoint(row), () => page.totalCount());
  }
}

@ObjectType('WebhookDeliveryConnection', { description: "A page of an endpoint's deliveries, newest first." })
export class WebhookDeliveryConnection extends connectionTypes(WebhookDelivery, 'WebhookDelivery', 'webhook delivery') {
  constructor(page: CountedPage<WebhookDeliveryEntity>, events: Map<number, WebhookEventEntity>, attempts: Map<number, WebhookAttemptEntity[]>) {
    super(page, (row: WebhookDeliveryEntity) => new WebhookDelivery(row, events.get(row.eventId) ?? null, attempts.get(row.id) ?? []), () => page.totalCount());
  }
}

@ObjectType('WebhookEventConnection', { description: "A page of your MSP's events of the last 30 days, oldest first." })
export class WebhookEventConnection extends connectionTypes(WebhookEvent, 'WebhookEvent', 'webhook event') {
  constructor(page: EventPage) {
    super(page, (row: WebhookEventEntity) => new WebhookEvent(row), () => page.totalCount());
  }
}

@ObjectType('CreateWebhookEndpointPayload', { description: 'The result of `createWebhookEndpoint`.' })
export class CreateWebhookEndpointPayload {
  @Field(() => WebhookEndpoint, { nullable: true, description: 'The new endpoint; null when refused.' })
  webhookEndpoint: WebhookEndpoint | null;

  @Field(() => String, {
    nullable: true,
    description: 'The signing secret (`whsec_` + base64), for verifying `webhook-signature`. Shown here only, never again: store it now.',
  })
  secret: string | null;

  @Field(() => [UserErrorType], { description: 'Why the input was refused; empty on success.' })
  userErrors: UserErrorType[];
}

@ObjectType('RotateWebhookSecretPayload', { description: 'The result of `rotateWebhookSecret`.' })
export class RotateWebhookSecretPayload {
  @Field(() => WebhookEndpoint, { nullable: true, description: 'The endpoint; null when refused.' })
  webhookEndpoint: WebhookEndpoint | null;

  @Field(() => String, { nullable: true, description: 'The new signing secret. Shown here only, never again. The old one also signs for 24 hours.' })
  secret: string | null;

  @Field(() => [UserErrorType], { description: 'Why the input was refused; empty on success.' })
  userErrors: UserErrorType[];
}

@ObjectType('WebhookEndpointPayload', { description: 'The result of `updateWebhookEndpoint` and `deleteWebhookEndpoint`.' })
export class WebhookEndpointPayload {
  @Field(() => WebhookEndpoint, { nullable: true, description: 'The endpoint (as it was, after a delete); null when refused.' })
  webhookEndpoint: WebhookEndpoint | null;

  @Field(() => [UserErrorType], { description: 'Why the input was refused; empty on success.' })
  userErrors: UserErrorType[];
}

@ObjectType('SendTestWebhookPayload', { description: 'The result of `sendTestWebhook`.' })
export class SendTestWebhookPayload {
  @Field(() => WebhookEvent, { nullable: true, description: 'The `webhook.test` event queued for the endpoint; null when refused.' })
  event: WebhookEvent | null;

  @Field(() => [UserErrorType], { description: 'Why the input was refused; empty on success.' })
  userErrors: UserErrorType[];
}

@ObjectType('RedeliverWebhookPayload', { description: 'The result of `redeliverWebhook`.' })
export class RedeliverWebhookPayload {
  @Field(() => WebhookDelivery, { nullable: true, description: 'The new delivery of the same event (same `webhook-id`), due now; null when refused.' })
  delivery: WebhookDelivery | null;

  @Field(() => [UserErrorType], { description: 'Why the input was refused; empty on success.' })
  userErrors: UserErrorType[];
}
