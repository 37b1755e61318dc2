import Redis from 'ioredis';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { LimitSettings } from '../config/config';

/** What `extensions.cost.throttleStatus` tells a client about its key's budget. */
export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  /** When the current window ends and the budget is whole again (ISO 8601). */
  resetsAt: string;
}

export type Spend = { ok: true; status: ThrottleStatus } | { ok: false; status: ThrottleStatus; retryAfterSeconds: number };

export type BudgetSettings = Pick<LimitSettings, 'rateLimitPoints' | 'rateLimitWindowS' | 'maxInFlightPerKey' | 'redisUrl'> & {
  /** Prefix of every Redis key; instances that share a budget share it. */
  redisKeyPrefix?: string;
};

/**
 * Each API key's cost budget (`rateLimitPoints` per `rateLimitWindowS`, fixed windows) and
 * its requests executing at once. Budgets live in this process's memory, or in Redis when
 * `redisUrl` is set so that every instance spends from one bucket; should Redis fail, each
 * instance falls back to its own memory buckets rather than refusing or admitting everyone.
 * In-flight counts are per instance: they protect this instance's connection pool.
 */
export class KeyBudgets {
  private readonly budget: RateLimiterAbstract;
  private readonly refusals: RateLimiterAbstract;
  private readonly inFlight = new Map<string, number>();
  private readonly redis: Redis | null;

  constructor(private readonly settings: BudgetSettings) {
    const points = settings.rateLimitPoints;
    const duration = settings.rateLimitWindowS;
    const prefix = settings.redisKeyPrefix ?? 'cc';
    const memoryBudget = new RateLimiterMemory({ points, duration, keyPrefix: `${prefix}:budget` });
    const memoryRefusals = new RateLimiterMemory({ points: 1, duration, keyPrefix: `${prefix}:refusal` });
    if (settings.redisUrl) {
      this.redis = new Redis(settings.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
      // Connection errors are retried by ioredis; the insurance limiters answer meanwhile.
      this.redis.on('error', () => undefined);
      this.budget = new RateLimiterRedis({ storeClient: this.redis, points, duration, keyPrefix: `${prefix}:budget`, insuranceLimiter: memoryBudget });
      this.refusals = new RateLimiterRedis({ storeClient: this.redis, points: 1, duration, keyPrefix: `${prefix}:refusal`, insuranceLimiter: memoryRefusals });
    } else {
      this.redis = null;
      this.budget = memoryBudget;
      this.refusals = memoryRefusals;
    }
  }

  /** Waits (up to `timeoutMs`) for Redis, so an instance starts on the shared buckets. */
  async ready(timeoutMs = 3000): Promise<boolean> {
    const redis = this.redis;
    if (!redis || redis.status === 'ready') return true;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      redis.once('ready', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  get maximum(): number {
    return this.settings.rateLimitPoints;
  }

  /** Spends `cost` (at least 1: every request spends something) from `key`'s budget, or refuses. */
  async spend(key: string, cost: number): Promise<Spend> {
    const points = Math.max(1, cost);
    try {
      const result = await this.budget.consume(key, points);
      return { ok: true, status: this.status(result) };
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      // A refused request spends nothing: give its points back so the client sees what is left.
      const consumed = rejection.consumedPoints - points;
      const status = { ...this.status(rejection), currentlyAvailable: Math.max(0, this.maximum - consumed) };
      await this.budget.reward(key, points).catch(() => undefined);
      return { ok: false, status, retryAfterSeconds };
    }
  }

  private status(result: RateLimiterRes): ThrottleStatus {
    return {
      maximumAvailable: this.maximum,
      currentlyAvailable: Math.max(0, result.remainingPoints),
      resetsAt: new Date(Date.now() + result.msBeforeNext).toISOString(),
    };
  }

  /** Takes one of `key`'s in-flight slots; false when all are taken. */
  enter(key: string): boolean {
    const now = this.inFlight.get(key) ?? 0;
    if (now >= this.settings.maxInFlightPerKey) return false;
    this.inFlight.set(key, now + 1);
    return true;
  }

  leave(key: string): void {
    const now = (this.inFlight.get(key) ?? 1) - 1;
    if (now <= 0) this.inFlight.delete(key);
    else this.inFlight.set(key, now);
  }

  /**
   * True the first time in a window that `key` is refused `field`: the audit log records one
   * AUTHORIZATION_REFUSED per key, field and window, so a key cannot flood it.
   */
  async firstRefusal(key: string, field: string): Promise<boolean> {
    try {
      await this.refusals.consume(`${key}:${field}`, 1);
      return true;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return false;
      throw rejection;
    }
  }

  async close(): Promise<void> {
    if (this.redis) await this.redis.quit().catch(() => this.redis?.disconnect());
  }
}
