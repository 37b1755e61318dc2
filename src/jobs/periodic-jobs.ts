import type { FastifyBaseLogger } from 'fastify';
import { Services } from '../services';

/** How often each server runs the upkeep jobs; every one of them is safe from any instance at any time. */
export const PERIODIC_JOBS_INTERVAL_MS = 10 * 60 * 1000;

interface PeriodicJob {
  name: string;
  /** The log line of a failed run (kept as operators know it). */
  failed: string;
  run: (services: Services) => Promise<number>;
  done: (log: FastifyBaseLogger, count: number, services: Services) => void;
}

/** The upkeep a running server does on its own, each job logged under its name. */
export const PERIODIC_JOBS: readonly PeriodicJob[] = [
  {
    // Folds trials that ended since each rollup's watermark into its stored buckets.
    name: 'trial expiry',
    failed: 'expiry pass failed',
    run: (services) => services.rollups.advance(),
    done: (log, count) => log.debug({ msps: count }, 'expiry pass done'),
  },
  {
    // Mail left in the outbox by a process that stopped before sending it.
    name: 'mail redelivery',
    failed: 'mail redelivery failed',
    run: (services) => services.mail.deliverPending(),
    done: (log, count) => {
      if (count > 0) log.info({ delivered: count }, 'delivered mail left over from an interrupted process');
    },
  },
  {
    name: 'audit retention',
    failed: 'audit retention pass failed',
    run: (services) => services.audit.purgeExpired(),
    done: (log, count, services) => log.info({ purged: count, retentionDays: services.settings.auditRetentionDays }, 'audit retention pass done'),
  },
  {
    // trial.expiring / trial.expired webhook events; the database claim makes one instance emit each.
    name: 'trial notices',
    failed: 'trial notice pass failed',
    run: (services) => services.trialNotices.run(),
    done: (log, count) => log.debug({ emitted: count }, 'trial notice pass done'),
  },
  {
    // Today's usage snapshot of each customer that has none yet.
    name: 'usage snapshots',
    failed: 'usage snapshot pass failed',
    run: (services) => services.usage.recordSnapshots(),
    done: (log, count) => {
      if (count > 0) log.info({ snapshots: count }, 'usage snapshots recorded');
    },
  },
  {
    name: 'webhook event retention',
    failed: 'webhook event retention pass failed',
    run: (services) => services.webhookEvents.purgeExpired(),
    done: (log, count) => log.debug({ purged: count }, 'webhook event retention pass done'),
  },
];

/** Runs every periodic job each interval (first after one interval); returns what stops them. */
export function startPeriodicJobs(services: Services, log: FastifyBaseLogger, intervalMs = PERIODIC_JOBS_INTERVAL_MS): () => void {
  const timer = setInterval(() => {
    for (const job of PERIODIC_JOBS) {
      job.run(services).then(
        (count) => job.done(log, count, services),
        (error: unknown) => log.error({ err: error, job: job.name }, job.failed),
      );
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
