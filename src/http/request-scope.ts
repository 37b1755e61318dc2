import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What one request's single log line and its error bodies need, filled in as it runs: the
 * request id (in every error's `extensions.requestId`, however early the error), the
 * operation, the key's public prefix (never the key) and the cost it was charged.
 */
export interface RequestScope {
  requestId: string;
  operationName?: string | null;
  keyPrefix?: string;
  cost?: number;
}

const storage = new AsyncLocalStorage<RequestScope>();
const scopes = new WeakMap<object, RequestScope>();

/** The scope of `request` (Fastify's raw request), created on first use. */
export function scopeOf(request: { id: unknown; raw: object }): RequestScope {
  let scope = scopes.get(request.raw);
  if (!scope) scopes.set(request.raw, (scope = { requestId: String(request.id) }));
  return scope;
}

/** Runs `work` with `scope` as the current request's (for Apollo's formatError and plugins). */
export function runInScope<T>(scope: RequestScope, work: () => T): T {
  return storage.run(scope, work);
}

export function currentScope(): RequestScope | undefined {
  return storage.getStore();
}
