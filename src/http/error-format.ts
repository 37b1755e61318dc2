import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { ArgumentValidationError, AuthorizationError } from 'type-graphql';
import { isDatabaseUnavailable } from '../database/data-source';
import { AppError } from '../services/errors';
import { isTokenLimitError, DOCUMENT_LIMITS } from '../graphql/limits/document-limits';
import { currentScope } from './request-scope';

/** HTTP status for each top-level code that is not answered with 200. */
export const HTTP_STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  GRAPHQL_PARSE_FAILED: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  BAD_REQUEST: 400,
  QUERY_TOO_COMPLEX: 400,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  TIMEOUT: 503,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
};

/** Codes Apollo and graphql-js assign that we pass through (with their message) unchanged. */
const PASS_THROUGH = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'QUERY_TOO_COMPLEX',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'TIMEOUT',
  'SERVICE_UNAVAILABLE',
]);

/** Apollo's own request-shape codes outside our closed list; they mean a malformed request. */
const AS_BAD_REQUEST = new Set(['OPERATION_RESOLUTION_FAILURE', 'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED']);

export const INTERNAL_MESSAGE = 'Internal server error. Quote the request id to support.';

/** True when an error is not one we expect, so it must be logged with the request id. */
export function isUnexpected(error: unknown): boolean {
  return classify(error).code === 'INTERNAL_SERVER_ERROR';
}

/** Extensions our own refusals carry for the client (which limit, what it costs, when to retry). */
const PUBLIC_EXTENSIONS = ['rule', 'limit', 'cost', 'retryAfterSeconds'];

/** Codes of our validation rules (graphql-armor's and ours), which Apollo files under GRAPHQL_VALIDATION_FAILED. */
const RULE_CODES = new Set(['QUERY_TOO_COMPLEX', 'BAD_USER_INPUT']);

function publicExtensions(error: GraphQLError): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  for (const key of PUBLIC_EXTENSIONS) if (error.extensions?.[key] !== undefined) extra[key] = error.extensions[key];
  return extra;
}

function classify(error: unknown): { code: string; message?: string; extra?: Record<string, unknown> } {
  const original = unwrapResolverError(error);
  if (original instanceof AppError) return { code: original.code, message: original.message };
  if (original instanceof AuthorizationError) {
    return { code: 'FORBIDDEN', message: "This API key's role may not do this." };
  }
  if (original instanceof ArgumentValidationError) {
    const problems = (original.extensions.validationErrors as Array<{ property: string; constraints?: Record<string, string> }>) ?? [];
    const messages = problems.flatMap((p) => Object.values(p.constraints ?? {}));
    return {
      code: 'BAD_USER_INPUT',
      message: messages.length ? `Invalid input: ${messages.join('; ')}.` : 'Invalid input.',
      extra: { fields: problems.map((p) => p.property) },
    };
  }
  if (isDatabaseUnavailable(original)) {
    return { code: 'SERVICE_UNAVAILABLE', message: 'The database is unavailable; try again shortly.' };
  }
  if (original instanceof GraphQLError && !(original.originalError && !(original.originalError instanceof GraphQLError))) {
    const code = String(original.extensions?.code ?? '');
    const inner = original.originalError instanceof GraphQLError ? String(original.originalError.extensions?.code ?? '') : '';
    if (code === 'GRAPHQL_VALIDATION_FAILED' && RULE_CODES.has(inner)) return { code: inner, extra: publicExtensions(original) };
    if (code === 'GRAPHQL_PARSE_FAILED' && isTokenLimitError(original.message)) {
      return { code: 'QUERY_TOO_COMPLEX', message: `The document has more than ${DOCUMENT_LIMITS.tokens} tokens.`, extra: { rule: 'tokens', limit: DOCUMENT_LIMITS.tokens } };
    }
    if (PASS_THROUGH.has(code)) return { code, extra: publicExtensions(original) };
    if (AS_BAD_REQUEST.has(code)) return { code: 'BAD_REQUEST' };
  }
  return { code: 'INTERNAL_SERVER_ERROR', message: INTERNAL_MESSAGE };
}

/** graphql-js's suggestions: in validation errors and in variable coercion errors (fields and enum values). */
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/**
 * Apollo's `formatError`: every error leaves with a code from the closed list and the request
 * id; anything unexpected is masked (it was logged with the request id by the errors plugin).
 * No stack trace, SQL or driver message ever reaches a client; in production, no suggestion
 * of a field, argument or enum value name either.
 */
export function formatError(production: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const { code, message, extra } = classify(error);
    let text = message ?? formatted.message;
    if (production) text = text.replace(SUGGESTION, '');
    const requestId = currentScope()?.requestId;
    const result: GraphQLFormattedError = { message: text, extensions: { code, ...extra, ...(requestId ? { requestId } : {}) } };
    if (formatted.locations && code !== 'INTERNAL_SERVER_ERROR') Object.assign(result, { locations: formatted.locations });
    if (formatted.path) Object.assign(result, { path: formatted.path });
    return result;
  };
}
