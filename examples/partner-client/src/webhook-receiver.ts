import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { SeenEvents, verifyWebhook, WebhookEvent, WebhookVerificationError } from './webhooks';

export interface ReceiverOptions {
  /** The endpoint's signing secret from `createWebhookEndpoint` (`whsec_...`). */
  secret: string;
  /** Your handling of one event; throw to have the API retry the delivery later. */
  onEvent: (event: WebhookEvent) => Promise<void> | void;
  /** Bodies larger than this are refused (default 1 MiB). */
  maxBodyBytes?: number;
}

/**
 * A webhook receiver on node:http: reads the raw body (the signature covers the exact bytes),
 * verifies it, drops repeats by `webhook-id`, and answers quickly:
 * 204 handled (or a repeat), 400 bad signature (not retried usefully: check the secret),
 * 500 when `onEvent` failed (the API retries with backoff).
 */
export function createWebhookReceiver(options: ReceiverOptions): Server {
  const seen = new SeenEvents();
  const limit = options.maxBodyBytes ?? 1_048_576;
  return createServer(async (request: IncomingMessage, response: ServerResponse) => {
    if (request.method !== 'POST') {
      response.writeHead(405).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > limit) {
        response.writeHead(413).end();
        return;
      }
      chunks.push(chunk as Buffer);
    }
    let event: WebhookEvent;
    try {
      event = verifyWebhook(options.secret, request.headers, Buffer.concat(chunks).toString('utf8'));
    } catch (error) {
      response.writeHead(error instanceof WebhookVerificationError ? 400 : 500).end();
      return;
    }
    const id = String(request.headers['webhook-id']);
    if (!seen.firstTime(id)) {
      response.writeHead(204).end();
      return;
    }
    try {
      await options.onEvent(event);
      response.writeHead(204).end();
    } catch {
      seen.forget(id);
      response.writeHead(500).end();
    }
  });
}
