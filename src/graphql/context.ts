import type { FastifyBaseLogger } from 'fastify';
import { AccountEntity } from '../entities';
import { Loaders } from '../loaders/request.loaders';
import { Services } from '../services';
import { AppError } from '../services/errors';
import { Principal } from '../services/principal';

/**
 * Why a request has no principal: no key, a key that does not check out, more than one
 * Authorization header, no database to ask, or an unexpected error while checking the key.
 */
export type AuthFailure = 'missing' | 'invalid' | 'ambiguous' | 'unavailable' | 'error';

/** What every resolver receives; built fresh for each request. */
export interface RequestContext {
  requestId: string;
  clientAddress: string;
  log: FastifyBaseLogger;
  services: Services;
  principal: Principal | null;
  /** The caller's own MSP, loaded with the key. */
  principalMsp: AccountEntity | null;
  authFailure: AuthFailure | null;
  /** What went wrong when `authFailure` is 'error'; the auth gate rethrows it inside the request. */
  authError?: unknown;
  /** Present whenever `principal` is. */
  loaders: Loaders;
  /** The time the request is answered as of, from the one clock. */
  now: Date;
  /**
   * True the first time in the rate-limit window that this key is refused `field`; only then
   * is the refusal written to the audit log, so a key cannot flood it.
   */
  firstRefusal: (field: string) => Promise<boolean>;
}

/** The authenticated caller; the HTTP layer has already refused requests without one. */
export function principalOf(context: RequestContext): Principal {
  if (!context.principal) throw new AppError('UNAUTHENTICATED', 'An API key is required.');
  return context.principal;
}
