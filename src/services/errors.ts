/** Codes of the errors thrown to the top level; the closed list of DESIGN.md. */
export type AppErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'QUERY_TOO_COMPLEX'
  | 'PAYLOAD_TOO_LARGE'
  | 'RATE_LIMITED'
  | 'TIMEOUT'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

/** A failure the caller cannot fix by changing a mutation's input; its message reaches the client. */
export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** Codes of the user errors a mutation payload can carry. */
export enum UserErrorCode {
  NOT_FOUND = 'NOT_FOUND',
  INVALID_EMAIL = 'INVALID_EMAIL',
  EMAIL_TAKEN = 'EMAIL_TAKEN',
  INVALID_ORGANIZATION_NAME = 'INVALID_ORGANIZATION_NAME',
  ORGANIZATION_NAME_TAKEN = 'ORGANIZATION_NAME_TAKEN',
  INVALID_EXTERNAL_ID = 'INVALID_EXTERNAL_ID',
  EXTERNAL_ID_TAKEN = 'EXTERNAL_ID_TAKEN',
  INVALID_IDEMPOTENCY_KEY = 'INVALID_IDEMPOTENCY_KEY',
  IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED',
  INVALID_IDENTITY = 'INVALID_IDENTITY',
  INVALID_DISPLAY_NAME = 'INVALID_DISPLAY_NAME',
  FREEMIUM_LIMIT_REACHED = 'FREEMIUM_LIMIT_REACHED',
  ALREADY_PAID = 'ALREADY_PAID',
  NOT_PAID = 'NOT_PAID',
  NOT_A_TRIAL = 'NOT_A_TRIAL',
  NOT_EXPIRED = 'NOT_EXPIRED',
  INVALID_SEATS = 'INVALID_SEATS',
  INVALID_TRIAL_END = 'INVALID_TRIAL_END',
  INVALID_DAYS = 'INVALID_DAYS',
  INVALID_NOTE = 'INVALID_NOTE',
  REASON_REQUIRED = 'REASON_REQUIRED',
  CUSTOMER_REMOVED = 'CUSTOMER_REMOVED',
  CUSTOMER_PURGED = 'CUSTOMER_PURGED',
  NOT_REMOVED = 'NOT_REMOVED',
  NOT_STANDALONE = 'NOT_STANDALONE',
  DUPLICATE_REQUEST = 'DUPLICATE_REQUEST',
  REQUEST_NOT_OPEN = 'REQUEST_NOT_OPEN',
  EMAIL_LOCKED = 'EMAIL_LOCKED',
  EMAIL_ALREADY_VERIFIED = 'EMAIL_ALREADY_VERIFIED',
  INVALID_TOKEN = 'INVALID_TOKEN',
  INVALID_KEY_NAME = 'INVALID_KEY_NAME',
  INVALID_ROLE = 'INVALID_ROLE',
  ALREADY_REVOKED = 'ALREADY_REVOKED',
  NOTHING_TO_UPDATE = 'NOTHING_TO_UPDATE',
  INVALID_URL = 'INVALID_URL',
  INVALID_EVENTS = 'INVALID_EVENTS',
  WEBHOOK_ENDPOINT_LIMIT = 'WEBHOOK_ENDPOINT_LIMIT',
}

export interface UserError {
  /** Path to the input field at fault, e.g. ['input', 'adminEmail']. */
  field: string[];
  message: string;
  code: UserErrorCode;
}

/** A mutation's outcome: the value, or the user errors that stopped it (and nothing written). */
export type Outcome<T> = { ok: true; value: T } | { ok: false; errors: UserError[] };

export const success = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const failure = <T = never>(...errors: UserError[]): Outcome<T> => ({ ok: false, errors });

export function userError(field: string, code: UserErrorCode, message: string): UserError {
  return { field: ['input', field], code, message };
}

/**
 * Thrown inside a transaction to roll it back and hand user errors to the caller
 * (see `runOutcome`), so a payload with user errors never leaves anything written.
 */
export class UserErrorsAbort extends Error {
  constructor(readonly errors: UserError[]) {
    super('user errors');
  }
}

/** Runs transactional work; a `UserErrorsAbort` becomes a failed outcome after the rollback. */
export async function runOutcome<T>(work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return success(await work());
  } catch (error) {
    if (error instanceof UserErrorsAbort) return { ok: false, errors: error.errors };
    throw error;
  }
}
