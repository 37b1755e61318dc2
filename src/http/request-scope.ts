import { RequestScope as DeadlineScope, startedInScope as currentDeadlineScope } from '../database/request-scope';

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

const scopes = new WeakMap<object, RequestScope>();
/**
 * Found through the request's deadline scope, which AsyncLocalStorage already carries through
 * every await: a second storage would run Node's promise hooks for it on every promise.
 */
const byDeadline = new WeakMap<DeadlineScope, RequestScope>();

/** The scope of `request` (Fastify's raw request), created on first use. */
export function scopeOf(request: { id: unknown; raw: object }): RequestScope {
  let scope = scopes.get(request.raw);
  if (!scope) scopes.set(request.raw, (scope = { requestId: String(request.id) }));
  return scope;
}

/**
 * Runs `work` with `scope` as the current request's (for Apollo's formatError and plugins);
 * inside the request's deadline scope (runInRequestScope), whose code it is.
 */
export function runInScope<T>(scope: RequestScope, work: () => T): T {
  const deadline = currentDeadlineScope();
  if (!deadline) throw new Error('runInScope needs the request\'s deadline scope (runInRequestScope) around it');
  byDeadline.set(deadline, scope);
  return work();
}

export function currentScope(): RequestScope | undefined {
  const deadline = currentDeadlineScope();
  return deadline ? byDeadline.get(deadline) : undefined;
}
