import { registerEnumType } from 'type-graphql';
import { WebhookDeliveryStatus } from '../entities';
import { WebhookEventType } from '../services/webhooks/webhook-event-type';

export { WebhookDeliveryStatus, WebhookEventType };

registerEnumType(WebhookEventType, {
  name: 'WebhookEventType',
  description: "What a webhook event reports. The POSTed body's `type` is the `resource.action` name given with each value.",
  valuesConfig: {
    CUSTOMER_CREATED: { description: '`customer.created`: a customer was added to your MSP.' },
    CUSTOMER_REMOVED: { description: '`customer.removed`: support removed a customer (it leaves your lists and totals).' },
    TRIAL_EXPIRING: { description: "`trial.expiring`: a trial ends within 3 days (once per trial end)." },
    TRIAL_EXPIRED: { description: '`trial.expired`: a trial has ended; the customer runs on Freemium (once per trial end).' },
    TRIAL_EXTENDED: { description: "`trial.extended`: a trial's end was moved later (by support, or an approved extension request)." },
    SUBSCRIPTION_UPGRADED: { description: '`subscription.upgraded`: a trial became a paid subscription.' },
    MONITORED_USER_REGISTERED: { description: '`monitored_user.registered`: a new monitored user was registered (seeing a known one again sends nothing).' },
    MONITORED_USER_REMOVED: { description: '`monitored_user.removed`: a monitored user was removed.' },
    SUPPORT_REQUEST_RESOLVED: { description: '`support_request.resolved`: support approved or rejected one of your requests.' },
    WEBHOOK_TEST: { description: '`webhook.test`: sent by `sendTestWebhook` to one endpoint; cannot be subscribed to.' },
  },
});

registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  description: 'Where a webhook delivery stands.',
  valuesConfig: {
    PENDING: { description: 'Not yet answered with 2xx; retried with exponential backoff.' },
    SUCCEEDED: { description: 'The endpoint answered 2xx.' },
    FAILED: { description: 'No 2xx answer within 24 hours of retries (or the endpoint was deleted); use `redeliverWebhook` to try again.' },
  },
});
