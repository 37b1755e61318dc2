import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';

/** The key was missing, unknown or revoked (HTTP 401 `UNAUTHENTICATED`). */
export function isUnauthenticated(error: unknown): boolean {
  if (CombinedGraphQLErrors.is(error)) return error.errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
  return ServerError.is(error) && error.statusCode === 401;
}

/** A sentence for an error outside a payload's userErrors. */
export function describeError(error: unknown): string {
  if (isUnauthenticated(error)) return 'That API key is invalid or revoked. Paste a current key (it starts with cc_).';
  if (CombinedGraphQLErrors.is(error)) {
    const first = error.errors[0];
    const code = first?.extensions?.code;
    if (code === 'FORBIDDEN') return 'This key may not do that. Ask an MSP admin for a key with the MSP_ADMIN role.';
    if (code === 'RATE_LIMITED' || code === 'TOO_MANY_REQUESTS') return 'Too many requests right now; wait a moment and try again.';
    return first?.message ?? 'The request failed.';
  }
  if (ServerError.is(error)) {
    if (error.statusCode === 429) return 'Too many requests right now; wait a moment and try again.';
    if (error.statusCode >= 500) return 'The server is unavailable; try again shortly.';
  }
  return 'The server could not be reached; check your connection and try again.';
}

export interface FieldErrors {
  /** userErrors by input field name (the last part of their path). */
  byField: Record<string, string>;
  /** userErrors that name no field of the form. */
  other: string[];
}

/** Sorts a payload's userErrors to the form fields they name. */
export function fieldErrors(userErrors: ReadonlyArray<{ field: ReadonlyArray<string>; message: string }>, fields: readonly string[]): FieldErrors {
  const result: FieldErrors = { byField: {}, other: [] };
  for (const error of userErrors) {
    const name = error.field[error.field.length - 1];
    if (name && fields.includes(name) && !result.byField[name]) result.byField[name] = error.message;
    else result.other.push(error.message);
  }
  return result;
}
