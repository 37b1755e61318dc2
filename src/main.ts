import 'reflect-metadata';
import { ConfigError, loadConfig } from './config/config';
import { openDatabase } from './database/data-source';
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
  const started = Date.now();
  const db = await openDatabase({
    url: config.databaseUrl,
    sqliteFile: join(config.dataDir, 'command-center.sqlite'),
    poolSize: config.dbPoolSize,
    queueLimit: config.dbQueueLimit,
    log,
  }).catch((error: unknown) => {
    log.fatal({ err: error }, 'could not open the database');
    process.stderr.write(`Could not open the database: ${(error as Error).message}\n`);
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
    logger: log,
  });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  log.info({ engine: db.engine, startupMs: Date.now() - started, demoCreated: demo?.created ?? false }, 'started');
  process.stdout.write(`Command Center API ready at http://localhost:${port}/graphql\n`);
  if (demo) process.stdout.write(`Demo MSP API key: ${demo.apiKey}\n`);

  const stopPeriodicJobs = startPeriodicJobs(services, log);
  const stopWebhookWorker = startWebhookWorker(services, log);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    stopPeriodicJobs();
    stopWebhookWorker();
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    app
      .close()
      .then(() => services.mail.idle())
      .then(() => services.webhookDelivery.idle())
      .then(() => db.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          log.error({ err: error }, 'error while shutting down');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

void main();
