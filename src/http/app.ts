import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import cors from '@fastify/cors';
import Fastify, { FastifyBaseLogger, LogController, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RequestContext } from '../graphql/context';
import { apiSchema } from '../graphql/schema';
import { createLoaders, Loaders } from '../loaders/request.loaders';
import { Services } from '../services';
import { isDatabaseUnavailable } from '../database/data-source';
import { GraphqlExecutor, LIMIT_DEFAULTS, LimitSettings } from '../config/config';
import { ArgumentLimitsRule } from '../graphql/limits/argument-limits';
import { documentLimits, PARSE_OPTIONS } from '../graphql/limits/document-limits';
import { newRequestScope, runInRequestScope } from '../database/request-scope';
import { authGatePlugin, errorStatusPlugin } from './apollo.plugins';
import { jitGateway } from '../graphql/jit-executor';
import { formatError } from './error-format';
import { KeyBudgets } from './key-budgets';
import { limitsPlugin } from './limits.plugin';
import { runInScope, scopeOf } from './request-scope';

export interface AppOptions {
  services: Services;
  production: boolean;
  introspection: boolean;
  requestTimeoutMs: number;
  bodyLimitBytes: number;
  /** Browser origins allowed by CORS (`CORS_ORIGINS`); absent or empty: no CORS headers. */
  corsOrigins?: string[];
  /** A pino logger, or false for none (tests). */
  logger: FastifyBaseLogger | false | { level: string };
  /** The built dashboard to serve at `/`: a directory, null for none; default: web/dist when built. */
  webRoot?: string | null;
  /** Cost and rate limits; LIMIT_DEFAULTS where not given. */
  limits?: Partial<LimitSettings> & { redisKeyPrefix?: string };
  /** Who executes operations (`GRAPHQL_EXECUTOR`); default jit. */
  executor?: GraphqlExecutor;
}

/** web/dist with its index.html, seen from src/http (tests) or dist/src/http (compiled); null when not built. */
export function builtDashboard(): string | null {
  const candidates = [join(__dirname, '..', '..', 'web', 'dist'), join(__dirname, '..', '..', '..', 'web', 'dist')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const READINESS_TIMEOUT_MS = 1500;

function errorBody(code: string, message: string, requestId: string) {
  return { errors: [{ message, extensions: { code, requestId } }] };
}

/** Loaders that refuse to run: the auth gate stops keyless requests before any resolver. */
const NO_LOADERS = new Proxy({} as Loaders, {
  get() {
    throw new Error('no principal: loaders are unavailable');
  },
});

/**
 * The HTTP server: Fastify with Apollo at /graphql, plus /healthz and /readyz. Fastify brings
 * request ids, body limits, pino logging and graceful close; Apollo the GraphQL-over-HTTP rules.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { services } = options;
  const limits = { ...LIMIT_DEFAULTS, ...options.limits };
  const budgets = new KeyBudgets(limits);
  const fastify = Fastify({
    ...(options.logger === false ? { logger: false } : 'info' in options.logger ? { loggerInstance: options.logger } : { logger: options.logger }),
    bodyLimit: options.bodyLimitBytes,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    return503OnClosing: true,
    // One line per request instead, with what Fastify does not know (see onResponse below).
    logController: new LogController({ disableRequestLogging: true }),
  });
  if (!(await budgets.ready())) fastify.log.warn('Redis is not reachable; rate limits use this instance\'s memory until it is');
  const armor = documentLimits(options.production);

  // CORS for browser-hosted partner tools: only the listed origins, each echoed back exactly
  // (never `*`); no credentials, since keys travel in the Authorization header, not cookies.
  // The plugin answers preflight in its onRequest hook, before the GraphQL route.
  if (options.corsOrigins && options.corsOrigins.length > 0) {
    await fastify.register(cors, {
      origin: options.corsOrigins,
      credentials: false,
      methods: ['GET', 'POST', 'OPTIONS'],
      allowedHeaders: ['authorization', 'content-type', 'x-request-id', 'apollo-require-preflight'],
      exposedHeaders: ['x-request-id', 'retry-after'],
      maxAge: 600,
    });
  }

  const apollo = new ApolloServer<RequestContext>({
    // graphql-jit executes queries (see jit-executor.ts); the schema then reaches Apollo through it.
    ...(options.executor === 'graphql-js' ? { schema: apiSchema() } : { gateway: jitGateway(apiSchema()) }),
    introspection: options.introspection,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: options.production,
    persistedQueries: false,
    formatError: formatError(options.production),
    parseOptions: PARSE_OPTIONS,
    validationRules: [...armor.validationRules, ArgumentLimitsRule],
    plugins: [
      ...armor.plugins,
      authGatePlugin(),
      limitsPlugin(budgets, limits.maxQueryCost),
      errorStatusPlugin(),
      ApolloServerPluginLandingPageDisabled(),
      // Nothing sets cache hints (answers are per key and never cached); Apollo's default
      // cache-control plugin has a willResolveField hook, which makes Apollo wrap every field's
      // resolver and call the hook on every field of every answer (about 1.8x on lists).
      ApolloServerPluginCacheControlDisabled(),
    ],
  });
  await apollo.start();

  const context = async (request: FastifyRequest): Promise<RequestContext> => {
    const base = {
      requestId: String(request.id),
      clientAddress: request.ip,
      log: request.log,
      services,
      now: services.clock.now(),
      firstRefusal: async () => false,
    };
    // Node keeps the first of repeated Authorization headers; a request with two is ambiguous.
    const authorizations = request.raw.rawHeaders.filter((name, i) => i % 2 === 0 && name.toLowerCase() === 'authorization').length;
    if (authorizations > 1) return { ...base, principal: null, principalMsp: null, authFailure: 'ambiguous', loaders: NO_LOADERS };
    try {
      const authenticated = await services.apiKeys.authenticate(request.headers.authorization);
      if (!authenticated) {
        const failure = request.headers.authorization ? 'invalid' : 'missing';
        return { ...base, principal: null, principalMsp: null, authFailure: failure, loaders: NO_LOADERS };
      }
      const principal = { ...authenticated.principal, requestId: base.requestId, clientAddress: base.clientAddress };
      const loaders = createLoaders(services, principal, authenticated.msp);
      scopeOf(request).keyPrefix = principal.keyPrefix;
      const firstRefusal = (field: string) => budgets.firstRefusal(`key:${principal.keyId}`, field);
      return { ...base, principal, principalMsp: authenticated.msp, authFailure: null, loaders, firstRefusal };
    } catch (error) {
      if (!isDatabaseUnavailable(error)) {
        // Thrown from here, Apollo would answer before any plugin runs: no log line, no request
        // id in the response. The auth gate rethrows it inside the request instead.
        return { ...base, principal: null, principalMsp: null, authFailure: 'error', authError: error, loaders: NO_LOADERS };
      }
      request.log.warn({ err: error }, 'database unavailable during authentication');
      return { ...base, principal: null, principalMsp: null, authFailure: 'unavailable', loaders: NO_LOADERS };
    }
  };

  const graphql = fastifyApolloHandler(apollo, { context });
  // The request's deadline travels with its code (AsyncLocalStorage), so the database refuses
  // its statements and its commit once it has passed: an answer TIMEOUT means nothing was written.
  const withTimeout = async (request: FastifyRequest, reply: FastifyReply) => {
    let timer: NodeJS.Timeout | undefined;
    const scope = newRequestScope(options.requestTimeoutMs);
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), options.requestTimeoutMs);
    });
    const work = runInRequestScope(scope, async () =>
      runInScope(scopeOf(request), () => graphql.call(fastify, request as Parameters<typeof graphql>[0], reply as Parameters<typeof graphql>[1])),
    );
    void work.then(
      () => (scope.settled = true),
      () => (scope.settled = true),
    );
    try {
      const result = await Promise.race([work, timeout]);
      if (result !== 'timeout') return result;
      scope.expired = true;
      // A commit under way or done: the response must say what was written, so it is awaited
      // (every later statement of this request is refused, so it comes at once).
      if (scope.commitsInFlight > 0 || scope.commits > 0) return await work;
      request.log.warn({ timeoutMs: options.requestTimeoutMs }, 'request timed out');
      return reply
        .code(503)
        .header('content-type', 'application/json; charset=utf-8')
        .send(errorBody('TIMEOUT', `The request took longer than ${options.requestTimeoutMs} ms; nothing it wrote was kept.`, String(request.id)));
    } finally {
      clearTimeout(timer);
    }
  };
  fastify.route({ method: ['GET', 'POST', 'OPTIONS'], url: '/graphql', handler: withTimeout });

  fastify.get('/healthz', async () => ({ status: 'ok' }));
  fastify.get('/readyz', async (request, reply) => {
    // Bounded: a stalled database must not hold the probe (a load balancer waits on it).
    let timer: NodeJS.Timeout | undefined;
    const probe = runInRequestScope(newRequestScope(READINESS_TIMEOUT_MS), () => services.db.dataSource.query('SELECT 1'));
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${READINESS_TIMEOUT_MS} ms`)), READINESS_TIMEOUT_MS);
    });
    try {
      await Promise.race([probe, timedOut]);
      return { status: 'ready' };
    } catch (error) {
      probe.catch(() => undefined);
      request.log.warn({ err: error }, 'readiness check failed');
      return reply.code(503).send({ status: 'unavailable' });
    } finally {
      clearTimeout(timer);
    }
  });

  // The dashboard (web/), when built: static files at /, hashed assets cached for good. Not
  // awaited: awaiting would load the routes before the error handler below is set.
  const webRoot = options.webRoot === undefined ? builtDashboard() : options.webRoot;
  if (webRoot) {
    void fastify.register(fastifyStatic, {
      root: webRoot,
      cacheControl: false,
      setHeaders: (res, path) => res.setHeader('cache-control', path.includes(join('assets', '')) ? 'public, max-age=31536000, immutable' : 'no-cache'),
    });
  }

  // Once closing, each answer closes its keep-alive connection: close() waits for requests in
  // flight, and a client's idle keep-alive connection would otherwise hold it open.
  let closing = false;
  fastify.addHook('preClose', async () => {
    closing = true;
  });
  fastify.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', String(request.id));
    if (closing) reply.header('connection', 'close');
  });

  // The request's one log line (the request id is on every line of request.log).
  fastify.addHook('onResponse', async (request, reply) => {
    const scope = scopeOf(request);
    request.log.info(
      {
        method: request.method,
        url: request.url.split('?')[0],
        operationName: scope.operationName ?? null,
        keyPrefix: scope.keyPrefix ?? null,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
        status: reply.statusCode,
        cost: scope.cost ?? null,
      },
      'request completed',
    );
  });

  fastify.setNotFoundHandler((request, reply) => {
    if (webRoot && request.method === 'GET' && String(request.headers.accept ?? '').includes('text/html')) return reply.sendFile('index.html');
    void reply.code(404).send(errorBody('BAD_REQUEST', `No route ${request.method} ${request.url.split('?')[0]}. The API is at POST /graphql.`, String(request.id)));
  });

  fastify.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status === 413) {
      return reply.code(413).send(errorBody('PAYLOAD_TOO_LARGE', `The request body is larger than ${options.bodyLimitBytes} bytes.`, String(request.id)));
    }
    if (status >= 400 && status < 500) {
      return reply.code(status === 415 ? 415 : 400).send(errorBody('BAD_REQUEST', `Malformed request: ${error.message}`, String(request.id)));
    }
    request.log.error({ err: error }, 'unexpected error');
    const code = isDatabaseUnavailable(error) ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_SERVER_ERROR';
    return reply.code(code === 'SERVICE_UNAVAILABLE' ? 503 : 500).send(errorBody(code, code === 'SERVICE_UNAVAILABLE' ? 'The database is unavailable; try again shortly.' : 'Internal server error. Quote the request id to support.', String(request.id)));
  });

  // Fastify's close drains in-flight requests; then Apollo stops. (Apollo's Fastify drain
  // plugin is not used: it calls fastify.close() itself and would wait on this very hook.)
  fastify.addHook('onClose', async () => {
    await apollo.stop();
    await budgets.close();
  });
  return fastify;
}
