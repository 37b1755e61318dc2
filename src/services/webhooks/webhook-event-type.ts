/**
 * The events an MSP can subscribe to. The values are the payload `type` names
 * (`resource.action`); the GraphQL enum WebhookEventType uses the keys.
 */
export enum WebhookEventType {
  CUSTOMER_CREATED = 'customer.created',
  CUSTOMER_REMOVED = 'customer.removed',
  TRIAL_EXPIRING = 'trial.expiring',
  TRIAL_EXPIRED = 'trial.expired',
  TRIAL_EXTENDED = 'trial.extended',
  SUBSCRIPTION_UPGRADED = 'subscription.upgraded',
  MONITORED_USER_REGISTERED = 'monitored_user.registered',
  MONITORED_USER_REMOVED = 'monitored_user.removed',
  SUPPORT_REQUEST_RESOLVED = 'support_request.resolved',
  WEBHOOK_TEST = 'webhook.test',
}

const BY_NAME = new Map<string, WebhookEventType>(Object.values(WebhookEventType).map((t) => [t, t]));

/** The type of a stored name, or undefined for a name this version does not know. */
export const eventTypeOf = (name: string): WebhookEventType | undefined => BY_NAME.get(name);
