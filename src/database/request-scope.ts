import { AsyncLocalStorage } from 'node:async_hooks';
import { AppError } from '../services/errors';

/**
 * The deadline of the request (or probe) whose code is running now, carried through every
 * await by AsyncLocalStorage so the database layer can enforce it without each service
 * passing it along: statements are refused or cut at the deadline, and a transaction never
 * commits once its request was answered `TIMEOUT`.
 */
export interface RequestScope {
  readonly deadline: number;
  readonly timeoutMs: number;
  /** Set when the request was answered TIMEOUT: nothing may commit or start from now on. */
  expired: boolean;
  /** Set when the request's own work settled: later background work is not bound by it. */
  settled: boolean;
  /** Outermost commits under way and done; a request that committed something is not answered TIMEOUT. */
  commitsInFlight: number;
  commits: number;
  /** Resolves when no commit is in flight any more. */
  commitDone: Promise<void>;
  signalCommitDone: () => void;
}

const storage = new AsyncLocalStorage<RequestScope>();

export function newRequestScope(timeoutMs: number): RequestScope {
  const scope: RequestScope = {
    deadline: Date.now() + timeoutMs,
    timeoutMs,
    expired: false,
    settled: false,
    commitsInFlight: 0,
    commits: 0,
    commitDone: Promise.resolve(),
    signalCommitDone: () => undefined,
  };
  return scope;
}

export function runInRequestScope<T>(scope: RequestScope, work: () => T): T {
  return storage.run(scope, work);
}

/**
 * Runs `work` bound by no request's deadline. Not `storage.exit()`: on Node 20 it only disables
 * the storage while `work` starts, and a `run()` inside re-enables it, so `work`'s later
 * continuations see the caller's store again.
 */
export function outsideRequest<T>(work: () => T): T {
  return storage.run(undefined as unknown as RequestScope, work);
}

/**
 * `callback` bound to the running request's scope, for callbacks a library runs in whatever
 * context it happens to be in (mysql2's). Cheaper than `AsyncResource.bind`, which on Node 20
 * makes an async resource and two deprecation wrappers per call.
 */
export function bindToRequest<A extends unknown[]>(callback: (...args: A) => void): (...args: A) => void {
  const scope = storage.getStore();
  return (...args: A) => storage.run(scope as RequestScope, callback, ...args);
}

/** The scope the running code was started in, settled or not (the HTTP layer keys its own per-request state by it). */
export function startedInScope(): RequestScope | undefined {
  return storage.getStore();
}

/** The running request's scope, or undefined outside one (start-up, jobs, CLI) or after it settled. */
export function currentScope(): RequestScope | undefined {
  const scope = storage.getStore();
  return scope && !scope.settled ? scope : undefined;
}

export function timeoutError(scope: RequestScope): AppError {
  return new AppError('TIMEOUT', `The request took longer than ${scope.timeoutMs} ms; nothing it wrote was kept.`);
}

/** Milliseconds left to the running request, or undefined outside one. Throws TIMEOUT once none are left. */
export function remainingMs(): number | undefined {
  const scope = currentScope();
  if (!scope) return undefined;
  const left = scope.deadline - Date.now();
  if (scope.expired || left <= 0) throw timeoutError(scope);
  return left;
}

/**
 * Runs an outermost COMMIT unless the request's deadline has passed (then it throws TIMEOUT and
 * the caller rolls back). The check and the start of the commit happen in one tick, so the
 * timeout handler either sees the commit in flight (and waits for its result) or the commit
 * never starts.
 */
export async function commitBeforeDeadline(commit: () => Promise<void>): Promise<void> {
  const scope = currentScope();
  if (!scope) return commit();
  remainingMs();
  if (scope.commitsInFlight === 0) scope.commitDone = new Promise((resolve) => (scope.signalCommitDone = resolve));
  scope.commitsInFlight += 1;
  try {
    await commit();
    scope.commits += 1;
  } finally {
    scope.commitsInFlight -= 1;
    if (scope.commitsInFlight === 0) scope.signalCommitDone();
  }
}
