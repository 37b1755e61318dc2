import { ApolloServerPlugin, GraphQLRequestContextDidResolveOperation } from '@apollo/server';
import { GraphQLError, Kind, OperationDefinitionNode } from 'graphql';
import { RequestContext } from '../graphql/context';
import { AppError } from '../services/errors';
import { HTTP_STATUS, isUnexpected } from './error-format';

/** Root fields that answer without an API key (the emailed verification link). */
export const KEYLESS_FIELDS = new Set(['verifyAdminEmail', '__typename']);

/** True for an operation that needs no API key (only keyless root fields). */
export function isKeyless(operation: OperationDefinitionNode | undefined | null): boolean {
  return (
    operation != null &&
    operation.operation === 'mutation' &&
    operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && KEYLESS_FIELDS.has(s.name.value))
  );
}

/**
 * Refuses, before anything executes, a request with no valid key (HTTP 401), or whose key
 * could not be checked because the database is down (503) or something unexpected failed
 * (masked as 500 and logged with the request id, like any unexpected error).
 */
export function authGatePlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operation }: GraphQLRequestContextDidResolveOperation<RequestContext>) {
          if (contextValue.principal || isKeyless(operation)) return;
          if (contextValue.authFailure === 'error') {
            // An AppError (a statement stopped at the request's limit: TIMEOUT) keeps its code and
            // status; thrown from a plugin hook as it is, it could only be answered as unexpected.
            const failure = contextValue.authError;
            if (failure instanceof AppError) throw new GraphQLError(failure.message, { extensions: { code: failure.code, http: { status: HTTP_STATUS[failure.code] ?? 500 } } });
            throw failure;
          }
          if (contextValue.authFailure === 'unavailable') {
            throw new GraphQLError('The database is unavailable; try again shortly.', {
              extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503 } },
            });
          }
          const message =
            contextValue.authFailure === 'invalid'
              ? 'The API key is invalid or revoked.'
              : contextValue.authFailure === 'ambiguous'
                ? 'Send exactly one Authorization header.'
                : 'An API key is required: send `Authorization: Bearer cc_...`.';
          throw new GraphQLError(message, {
            extensions: {
              code: 'UNAUTHENTICATED',
              http: { status: 401, headers: new Map([['www-authenticate', 'Bearer realm="command-center"']]) },
            },
          });
        },
      };
    },
  };
}

/**
 * Logs unexpected errors with the request id (they reach the client masked) and sets the
 * HTTP status from the most serious error code, which Apollo's `formatError` cannot do.
 */
export function errorStatusPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ contextValue, errors }) {
          for (const error of errors) {
            if (isUnexpected(error)) {
              contextValue.log.error({ err: error.originalError ?? error, path: error.path }, 'unexpected error');
            }
          }
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const errors = response.body.singleResult.errors ?? [];
          let status = 0;
          for (const error of errors) {
            const code = String(error.extensions?.code ?? '');
            status = Math.max(status, HTTP_STATUS[code] ?? 0);
          }
          if (status > 0 && (response.http.status ?? 200) < status) response.http.status = status;
        },
      };
    },
  };
}
