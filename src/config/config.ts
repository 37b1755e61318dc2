import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Everything the process reads from its environment, checked once at start-up. */
export interface Config {
  port: number;
  host: string;
  /** `undefined` means the embedded SQLite database under `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  production: boolean;
  trialLengthDays: number;
  appUrl: string;
  accessTokenSecret: string;
  logLevel: string;
  requestTimeoutMs: number;
  introspection: boolean;
  dbPoolSize: number;
  dbQueueLimit: number;
  /** How long start-up retries an unreachable database before exiting non-zero. */
  startupDbWaitMs: number;
  /** MySQL: the longest one statement of a request may run (the server stops it; the client gives up 0.5 s later). */
  dbStatementTimeoutMs: number;
  bodyLimitBytes: number;
  /** smtp:// or smtps:// URL; unset: mail goes to the outbox table and the log only. */
  smtpUrl: string | undefined;
  smtpFrom: string;
  auditRetentionDays: number;
  /** Abuse limits and per-key rate limits; see `LIMIT_DEFAULTS`. */
  limits: LimitSettings;
  /** Browser origins allowed to call the API (CORS); empty: no CORS headers at all. */
  corsOrigins: string[];
  /** ALLOW_INSECURE_WEBHOOKS: http:// and loopback/private webhook URLs (development, tests); refused in production. */
  allowInsecureWebhooks: boolean;
  /** WEBHOOK_RETRY_BASE_MS: delay before a failed webhook's first retry, doubling after. */
  webhookRetryBaseMs: number;
  /** GRAPHQL_EXECUTOR: `jit` (queries compiled by graphql-jit) or `graphql-js` (interpreted, as before). */
  graphqlExecutor: GraphqlExecutor;
}

export type GraphqlExecutor = 'jit' | 'graphql-js';

/** What one request may cost and what each API key may spend (README: Limits and errors). */
export interface LimitSettings {
  /** One request's cost cap (`MAX_QUERY_COST`). */
  maxQueryCost: number;
  /** Each key's cost budget per window (`RATE_LIMIT_POINTS`, `RATE_LIMIT_WINDOW_S`). */
  rateLimitPoints: number;
  rateLimitWindowS: number;
  /** Requests one key may have executing at once (`MAX_IN_FLIGHT_PER_KEY`). */
  maxInFlightPerKey: number;
  /** redis:// or rediss://; unset: buckets in this process's memory. */
  redisUrl: string | undefined;
}

export const LIMIT_DEFAULTS: LimitSettings = {
  maxQueryCost: 1000,
  rateLimitPoints: 2000,
  rateLimitWindowS: 20,
  maxInFlightPerKey: 8,
  redisUrl: undefined,
};

/** 100 KB: the largest legitimate request (a full dashboard query with variables) is under 4 KB. */
export const BODY_LIMIT_DEFAULT = 102_400;

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

export function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

function graphqlExecutor(env: Env): GraphqlExecutor {
  const raw = env.GRAPHQL_EXECUTOR?.trim() || 'jit';
  if (raw === 'jit' || raw === 'graphql-js') return raw;
  throw new ConfigError(`GRAPHQL_EXECUTOR must be jit or graphql-js, got "${env.GRAPHQL_EXECUTOR}"`);
}

export function databaseUrl(env: Env): string | undefined {
  const raw = env.DATABASE_URL?.trim();
  if (!raw) return undefined;
  if (!/^(mysql|mariadb):\/\//.test(raw)) {
    throw new ConfigError('DATABASE_URL must start with mysql:// (or be unset for the embedded database)');
  }
  try {
    new URL(raw);
  } catch {
    throw new ConfigError('DATABASE_URL is not a valid URL');
  }
  return raw.replace(/^mariadb:/, 'mysql:');
}

function redisUrl(env: Env): string | undefined {
  const raw = env.REDIS_URL?.trim();
  if (!raw) return undefined;
  if (!/^rediss?:\/\//.test(raw)) throw new ConfigError('REDIS_URL must start with redis:// or rediss://');
  return raw;
}

function smtpUrl(env: Env): string | undefined {
  const raw = env.SMTP_URL?.trim();
  if (!raw) return undefined;
  if (!/^smtps?:\/\//.test(raw)) throw new ConfigError('SMTP_URL must start with smtp:// or smtps://');
  return raw;
}

/**
 * `CORS_ORIGINS`: comma-separated origins such as `https://psa.example.com`. Each must be a bare
 * http(s) origin (scheme, host, optional port): a wildcard or a path is refused, so no
 * configuration can allow every origin.
 */
export function corsOrigins(env: Env): string[] {
  const raw = env.CORS_ORIGINS?.trim();
  if (!raw) return [];
  return raw.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '').map((entry) => {
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      throw new ConfigError(`CORS_ORIGINS: "${entry}" is not an origin such as https://app.example.com`);
    }
    if (entry.includes('*') || !/^https?:$/.test(url.protocol) || url.origin !== entry.replace(/\/$/, '')) {
      throw new ConfigError(`CORS_ORIGINS: "${entry}" is not an origin such as https://app.example.com (scheme and host only, no wildcard or path)`);
    }
    return url.origin;
  });
}

/** The embedded database keeps its own secret so tokens survive a restart. */
function embeddedSecret(dataDir: string): string {
  const file = join(dataDir, 'access-token-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dirname(file), { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}

export function loadConfig(env: Env = process.env): Config {
  const url = databaseUrl(env);
  const dataDir = env.DATA_DIR?.trim() || join(process.cwd(), 'data');
  const port = integer(env, 'PORT', 4000, 0, 65535);
  let accessTokenSecret = env.ACCESS_TOKEN_SECRET?.trim() ?? '';
  if (!accessTokenSecret) {
    if (url) {
      throw new ConfigError('ACCESS_TOKEN_SECRET is required when DATABASE_URL is set (use 32 or more random characters)');
    }
    accessTokenSecret = embeddedSecret(dataDir);
  } else if (accessTokenSecret.length < 32) {
    throw new ConfigError('ACCESS_TOKEN_SECRET must be at least 32 characters');
  }
  const production = (env.NODE_ENV ?? 'development') === 'production';
  const allowInsecureWebhooks = boolean(env, 'ALLOW_INSECURE_WEBHOOKS', false);
  if (production && allowInsecureWebhooks) {
    throw new ConfigError('ALLOW_INSECURE_WEBHOOKS must not be true in production (webhooks would reach private addresses)');
  }
  return {
    port,
    host: env.HOST?.trim() || '0.0.0.0',
    databaseUrl: url,
    dataDir,
    production,
    trialLengthDays: integer(env, 'TRIAL_LENGTH_DAYS', 14, 1, 365),
    appUrl: (env.APP_URL?.trim() || `http://localhost:${port}`).replace(/\/+$/, ''),
    accessTokenSecret,
    logLevel: env.LOG_LEVEL?.trim() || 'info',
    requestTimeoutMs: integer(env, 'REQUEST_TIMEOUT_MS', 10_000, 100, 600_000),
    introspection: boolean(env, 'INTROSPECTION', true),
    dbPoolSize: integer(env, 'DB_POOL_SIZE', 10, 1, 1000),
    dbQueueLimit: integer(env, 'DB_QUEUE_LIMIT', 500, 0, 100_000),
    startupDbWaitMs: integer(env, 'STARTUP_DB_WAIT_MS', 30_000, 0, 3_600_000),
    dbStatementTimeoutMs: integer(env, 'DB_STATEMENT_TIMEOUT_MS', 3000, 100, 600_000),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', BODY_LIMIT_DEFAULT, 1024, 100 * 1_048_576),
    smtpUrl: smtpUrl(env),
    smtpFrom: env.SMTP_FROM?.trim() || 'Command Center <no-reply@command-center.invalid>',
    auditRetentionDays: integer(env, 'AUDIT_RETENTION_DAYS', 365, 1, 36_500),
    limits: {
      maxQueryCost: integer(env, 'MAX_QUERY_COST', LIMIT_DEFAULTS.maxQueryCost, 1, 1_000_000),
      rateLimitPoints: integer(env, 'RATE_LIMIT_POINTS', LIMIT_DEFAULTS.rateLimitPoints, 1, 100_000_000),
      rateLimitWindowS: integer(env, 'RATE_LIMIT_WINDOW_S', LIMIT_DEFAULTS.rateLimitWindowS, 1, 86_400),
      maxInFlightPerKey: integer(env, 'MAX_IN_FLIGHT_PER_KEY', LIMIT_DEFAULTS.maxInFlightPerKey, 1, 10_000),
      redisUrl: redisUrl(env),
    },
    corsOrigins: corsOrigins(env),
    allowInsecureWebhooks,
    webhookRetryBaseMs: integer(env, 'WEBHOOK_RETRY_BASE_MS', 30_000, 1, 3_600_000),
    graphqlExecutor: graphqlExecutor(env),
  };
}
