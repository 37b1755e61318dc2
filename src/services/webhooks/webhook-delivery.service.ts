import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { LookupFunction, isIP } from 'node:net';
import { In } from 'typeorm';
import { Database } from '../../database/data-source';
import { WebhookAttemptEntity, WebhookDeliveryEntity, WebhookDeliveryStatus, WebhookEndpointEntity, WebhookEventEntity } from '../../entities';
import { Clock } from '../clock';
import { signatureHeader } from './webhook-signature';
import { UrlPolicy, checkWebhookUrl } from './webhook-url';

export const DELIVERY_TIMEOUT_MS = 5000;
/** A claimed delivery is not claimed again before this, so a crashed sender's work is retried, never lost. */
export const CLAIM_LEASE_MS = 60_000;
const CLAIM_BATCH = 20;
const ERROR_MAX = 500;

export interface DeliverySettings {
  /** The first retry's delay; each next one doubles (WEBHOOK_RETRY_BASE_MS, default 30 s). */
  retryBaseMs: number;
  /** Jitter as a fraction of the delay, added (never subtracted); tests may set 0. */
  jitter?: number;
}

/** The delay after the n-th failed attempt (n from 1): base · 2^(n-1), plus up to `jitter` of it. */
export function retryDelayMs(failedAttempts: number, settings: DeliverySettings, random: () => number = Math.random): number {
  const delay = settings.retryBaseMs * 2 ** (failedAttempts - 1);
  return Math.round(delay * (1 + (settings.jitter ?? 0.1) * random()));
}

interface PostResult {
  statusCode: number | null;
  error: string | null;
}

/**
 * Sends the outbox: claims due deliveries in the database (several instances never send one
 * delivery at once), POSTs each signed per Standard Webhooks with a 5 s timeout and no redirects,
 * checks the URL again before each attempt, and schedules retries with exponential backoff and
 * jitter for 24 h, then marks the delivery FAILED. Driven by the injected clock.
 */
export class WebhookDeliveryService {
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly urlPolicy: UrlPolicy,
    private readonly settings: DeliverySettings,
  ) {}

  /** Sends every delivery due now; returns how many attempts were made. */
  async deliverDue(): Promise<number> {
    let attempts = 0;
    for (;;) {
      const claimed = await this.claim();
      if (claimed.length === 0) return attempts;
      const work = Promise.all(claimed.map((delivery) => this.attempt(delivery)));
      this.inFlight.add(work);
      try {
        await work;
      } finally {
        this.inFlight.delete(work);
      }
      attempts += claimed.length;
      if (claimed.length < CLAIM_BATCH) return attempts;
    }
  }

  /** Resolves once the attempts under way have finished (shutdown). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Takes due deliveries for this instance: MariaDB skips rows another instance has locked;
   * SQLite's BEGIN IMMEDIATE serializes claims. The claim moves `next_attempt_at` one lease
   * ahead and counts the attempt, so the row is not due for anyone else meanwhile.
   */
  private async claim(): Promise<WebhookDeliveryEntity[]> {
    // A plain read first: an idle server polling every second takes no write lock.
    const due = await this.db.manager
      .createQueryBuilder(WebhookDeliveryEntity, 'd')
      .where('d.status = :pending AND d.next_attempt_at <= :now', { pending: WebhookDeliveryStatus.PENDING, now: this.clock.now() })
      .getExists();
    if (!due) return [];
    return this.db.transaction(async (manager) => {
      const now = this.clock.now();
      const query = manager
        .createQueryBuilder(WebhookDeliveryEntity, 'd')
        .select('d.id', 'id')
        .where('d.status = :pending AND d.next_attempt_at <= :now', { pending: WebhookDeliveryStatus.PENDING, now })
        .orderBy('d.next_attempt_at', 'ASC')
        .addOrderBy('d.id', 'ASC')
        .limit(CLAIM_BATCH);
      if (this.db.engine === 'mysql') query.setLock('pessimistic_write').setOnLocked('skip_locked');
      const rows = await query.getRawMany<{ id: number }>();
      const ids = rows.map((r) => Number(r.id));
      if (ids.length === 0) return [];
      await manager
        .createQueryBuilder()
        .update(WebhookDeliveryEntity)
        .set({ nextAttemptAt: new Date(now.getTime() + CLAIM_LEASE_MS), attempts: () => 'attempts + 1' })
        .where({ id: In(ids) })
        .execute();
      return manager.find(WebhookDeliveryEntity, { where: { id: In(ids) } });
    });
  }

  private async attempt(delivery: WebhookDeliveryEntity): Promise<void> {
    const [event, endpoint] = await Promise.all([
      this.db.manager.findOne(WebhookEventEntity, { where: { id: delivery.eventId } }),
      this.db.manager.findOne(WebhookEndpointEntity, { where: { id: delivery.endpointId } }),
    ]);
    const attemptedAt = this.clock.now();
    const started = Date.now();
    let result: PostResult;
    if (!event || !endpoint) {
      result = { statusCode: null, error: 'The endpoint or the event no longer exists.' };
    } else {
      result = await this.post(endpoint, event, attemptedAt);
    }
    const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    await this.db.transaction(async (manager) => {
      await manager.insert(WebhookAttemptEntity, {
        deliveryId: delivery.id,
        attemptedAt,
        statusCode: result.statusCode,
        error: result.error?.slice(0, ERROR_MAX) ?? null,
        durationMs: Math.min(Date.now() - started, 2_147_483_647),
      });
      const now = this.clock.now();
      const next = new Date(now.getTime() + retryDelayMs(delivery.attempts, this.settings));
      const gone = !event || !endpoint;
      const values = ok
        ? { status: WebhookDeliveryStatus.SUCCEEDED, nextAttemptAt: null, completedAt: now }
        : gone || next.getTime() > delivery.retryUntil.getTime()
          ? { status: WebhookDeliveryStatus.FAILED, nextAttemptAt: null, completedAt: now }
          : { nextAttemptAt: next };
      // Only the holder of this claim writes its outcome (a lease that ran out was claimed again).
      await manager
        .createQueryBuilder()
        .update(WebhookDeliveryEntity)
        .set(values)
        .where('id = :id AND attempts = :attempts AND status = :pending', { id: delivery.id, attempts: delivery.attempts, pending: WebhookDeliveryStatus.PENDING })
        .execute();
    });
  }

  /** One signed POST; never throws. The URL is checked again first: DNS can change. */
  private async post(endpoint: WebhookEndpointEntity, event: WebhookEventEntity, at: Date): Promise<PostResult> {
    const checked = await checkWebhookUrl(endpoint.url, this.urlPolicy);
    if (!checked.ok) return { statusCode: null, error: `Refused: ${checked.reason}` };
    const body = JSON.stringify({ id: event.messageId, type: event.type, createdAt: event.createdAt.toISOString(), data: JSON.parse(event.data) });
    const timestamp = Math.floor(at.getTime() / 1000);
    const secrets = [endpoint.secret];
    if (endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt.getTime() > at.getTime()) {
      secrets.push(endpoint.previousSecret);
    }
    const headers = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'user-agent': 'CommandCenter-Webhooks/1',
      'webhook-id': event.messageId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader(secrets, event.messageId, timestamp, body),
    };
    // Connect to the addresses just checked, not to a second lookup's answer.
    const pinned = checked.addresses;
    const lookup: LookupFunction | undefined = pinned
      ? (_host, options, callback) => {
          const all = pinned.map((address) => ({ address, family: isIP(address) }));
          if ((options as { all?: boolean }).all) (callback as (e: null, a: typeof all) => void)(null, all);
          else callback(null, all[0].address, all[0].family);
        }
      : undefined;
    const send = checked.url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<PostResult>((resolve) => {
      let settled = false;
      const finish = (result: PostResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const req = send(checked.url, { method: 'POST', headers, lookup }, (res) => {
        res.resume();
        res.on('end', () => {
          const code = res.statusCode ?? null;
          const redirect = code !== null && code >= 300 && code < 400 ? 'Redirect not followed.' : null;
          finish({ statusCode: code, error: redirect ?? (code !== null && code >= 200 && code < 300 ? null : `HTTP ${code}`) });
        });
        res.on('error', (error) => finish({ statusCode: res.statusCode ?? null, error: error.message }));
      });
      const timer = setTimeout(() => {
        req.destroy(new Error(`No response within ${DELIVERY_TIMEOUT_MS / 1000} s.`));
      }, DELIVERY_TIMEOUT_MS);
      req.on('error', (error) => finish({ statusCode: null, error: error.message }));
      req.end(body);
    });
  }
}
