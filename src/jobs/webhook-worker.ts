import type { FastifyBaseLogger } from 'fastify';
import { Services } from '../services';

/** How often the server looks for webhook deliveries that are due. */
export const WEBHOOK_POLL_INTERVAL_MS = 1000;

/**
 * Sends due webhook deliveries every second, one pass at a time; returns what stops it (the
 * attempts under way finish: `services.webhookDelivery.idle()`).
 */
export function startWebhookWorker(services: Services, log: FastifyBaseLogger, intervalMs = WEBHOOK_POLL_INTERVAL_MS): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    services.webhookDelivery
      .deliverDue()
      .then(
        (count) => {
          if (count > 0) log.debug({ attempts: count }, 'webhook deliveries attempted');
        },
        (error: unknown) => log.error({ err: error }, 'webhook delivery pass failed'),
      )
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
