import { Webhook, WebhookVerificationError } from 'standardwebhooks';

/** An event as the API delivers it: the body of one webhook request. */
export interface WebhookEvent {
  id: string;
  /** `resource.action`, e.g. `customer.created`. */
  type: string;
  createdAt: string;
  data: Record<string, unknown>;
}

/**
 * Verifies a delivery with the Standard Webhooks library: the `webhook-signature` header must
 * hold a `v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>">` under the
 * endpoint's secret (`whsec_...`), and the timestamp must be within 5 minutes. Returns the event,
 * or throws WebhookVerificationError: answer such a request with 400 and do not process it.
 *
 * `body` must be the raw request body exactly as received (not re-serialized JSON).
 */
export function verifyWebhook(secret: string, headers: Record<string, string | string[] | undefined>, body: string): WebhookEvent {
  const pick = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value ?? '';
  };
  const webhook = new Webhook(secret);
  return webhook.verify(body, {
    'webhook-id': pick('webhook-id'),
    'webhook-timestamp': pick('webhook-timestamp'),
    'webhook-signature': pick('webhook-signature'),
  }) as WebhookEvent;
}

export { WebhookVerificationError };

/**
 * Keeps the ids of events already handled: delivery is at least once, and a retried event
 * keeps its `webhook-id`, so a receiver drops repeats by id. (Use your database in production.)
 */
export class SeenEvents {
  private readonly seen = new Set<string>();

  /** True the first time an id is seen. */
  firstTime(id: string): boolean {
    if (this.seen.has(id)) return false;
    this.seen.add(id);
    return true;
  }

  /** Handling failed: the retried delivery must be handled again. */
  forget(id: string): void {
    this.seen.delete(id);
  }
}
