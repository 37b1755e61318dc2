import 'reflect-metadata';
import { ConfigError, loadConfig } from './config/config';
import { isDatabaseUnavailable, openDatabase } from './database/data-source';
import { ensureDemo } from './demo/demo-key';
import { buildApp } from './http/app';
import { createLogger } from './http/logger';
import { startPeriodicJobs } from './jobs/periodic-jobs';
import { startWebhookWorker } from './jobs/webhook-worker';
import { createServices } from './services';
import { systemClock } from './services/clock';
import { join } from 'node:path';

/** Starts the API: stdout carries only the ready line (and the demo key); logs go to stderr. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger(config.logLevel);
  // Listening for signals from the start: a stop requested while starting is carried out as
  // soon as the server is up (through the same graceful path), never by the default action.
  let stop: ((signal: string) => void) | undefined;
  let stopRequested: string | undefined;
  const onSignal = (signal: string) => (stop ? stop(signal) : (stopRequested ??= signal));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  const started = Date.now();
  const db = await openDatabase({
    url: config.databaseUrl,
    sqliteFile: join(config.dataDir, 'command-center.sqlite'),
    poolSize: config.dbPoolSize,
    queueLimit: config.dbQueueLimit,
    log,
    waitMs: config.startupDbWaitMs,
    limits: { statementTimeoutMs: config.dbStatementTimeoutMs },
    onRetry: (error, attempt) => {
      if (stopRequested) throw new Error(`stopped by ${stopRequested} while waiting for the database`);
      log.warn({ err: error, attempt, waitMs: config.startupDbWaitMs }, 'database unreachable; retrying');
    },
  }).catch((error: unknown) => {
    log.fatal({ err: error }, 'could not open the database');
    const waited = isDatabaseUnavailable(error) && config.databaseUrl ? ` (still unreachable after retrying for ${config.startupDbWaitMs} ms, STARTUP_DB_WAIT_MS)` : '';
    process.stderr.write(`Could not open the database${waited}: ${(error as Error).message}\n`);
    process.exit(1);
  });
  const services = createServices(db, systemClock, {
    trialLengthDays: config.trialLengthDays,
    appUrl: config.appUrl,
    accessTokenSecret: config.accessTokenSecret,
    smtpUrl: config.smtpUrl,
    smtpFrom: config.smtpFrom,
    auditRetentionDays: config.auditRetentionDays,
    allowInsecureWebhooks: config.allowInsecureWebhooks,
    webhookRetryBaseMs: config.webhookRetryBaseMs,
    mailLog: log,
  });
  const demo = config.databaseUrl ? null : await ensureDemo(services, config.dataDir);

  const app = await buildApp({
    services,
    production: config.production,
    introspection: config.introspection,
    requestTimeoutMs: config.requestTimeoutMs,
    bodyLimitBytes: config.bodyLimitBytes,
    corsOrigins: config.corsOrigins,
    logger: log,
    limits: config.limits,
    executor: config.graphqlExecutor,
  });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  log.info({ engine: db.engine, startupMs: Date.now() - started, demoCreated: demo?.created ?? false }, 'started');
  process.stdout.write(`Command Center API ready at http://localhost:${port}/graphql\n`);
  if (demo) process.stdout.write(`Demo MSP API key: ${demo.apiKey}\n`);

  const stopPeriodicJobs = startPeriodicJobs(services, log);
  const stopWebhookWorker = startWebhookWorker(services, log);

  // SIGTERM: stop listening (new connections are refused), let the requests in flight finish
  // (each is bounded by REQUEST_TIMEOUT_MS), deliver mail under way, close the pool, exit 0.
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    stopPeriodicJobs();
    stopWebhookWorker();
    const force = setTimeout(() => {
      log.error({ graceMs: config.requestTimeoutMs + 5000 }, 'requests still in flight after the grace period; exiting');
      process.exit(1);
    }, config.requestTimeoutMs + 5000);
    force.unref();
    app
      .close()
      .then(() => services.mail.idle())
      .then(() => services.webhookDelivery.idle())
      .then(() => db.close())
      .then(
        () => {
          log.info('database pool closed');
          process.exit(0);
        },
        (error: unknown) => {
          log.error({ err: error }, 'error while shutting down');
          process.exit(1);
        },
      );
  };
  stop = shutdown;
  if (stopRequested) shutdown(stopRequested);
}

void main();
