import { ArrayMaxSize } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { WebhookDeliveryStatus, WebhookEventType } from '../webhook-enums';

@InputType('CreateWebhookEndpointInput', { description: 'A new webhook endpoint for your MSP.' })
export class CreateWebhookEndpointInput {
  @Field({ description: 'An https:// URL reaching a public address (at most 2,000 characters). Redirects are not followed.' })
  url: string;

  @Field(() => [WebhookEventType], { description: 'The event types to send (at least one; not WEBHOOK_TEST).' })
  @ArrayMaxSize(50)
  events: WebhookEventType[];
}

@InputType('UpdateWebhookEndpointInput', { description: 'Changes to a webhook endpoint: pass at least one of `url` and `events`.' })
export class UpdateWebhookEndpointInput {
  @Field(() => ID, { description: 'The endpoint (`WebhookEndpoint.id`).' })
  id: string;

  @Field(() => String, { nullable: true, description: 'A new URL (same rules as on creation); omit to keep it.' })
  url?: string | null;

  @Field(() => [WebhookEventType], { nullable: true, description: 'The new list of event types (replaces the old one); omit to keep it.' })
  @ArrayMaxSize(50)
  events?: WebhookEventType[] | null;
}

@InputType('WebhookEndpointIdInput', { description: 'One of your webhook endpoints.' })
export class WebhookEndpointIdInput {
  @Field(() => ID, { description: 'The endpoint (`WebhookEndpoint.id`).' })
  id: string;
}

@InputType('RedeliverWebhookInput', { description: 'A delivery to send again.' })
export class RedeliverWebhookInput {
  @Field(() => ID, { description: 'The delivery (`WebhookDelivery.id`).' })
  deliveryId: string;
}

@ArgsType()
export class DeliveriesArgs {
  @Field(() => Int, { nullable: true, description: 'Return the first n deliveries (1 to 100; default 20).' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Return deliveries after this cursor.' })
  after?: string | null;

  @Field(() => WebhookDeliveryStatus, { nullable: true, description: 'Only deliveries in this status.' })
  status?: WebhookDeliveryStatus | null;
}

@ArgsType()
export class EventsArgs {
  @Field(() => Int, { nullable: true, description: 'Return the first n events (1 to 100; default 20).' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Return events after this cursor (the `endCursor` you stored last time).' })
  after?: string | null;

  @Field(() => [WebhookEventType], { nullable: true, description: 'Only events of these types; omit for all.' })
  @ArrayMaxSize(20)
  types?: WebhookEventType[] | null;
}
