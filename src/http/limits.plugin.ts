import { ApolloServerPlugin, HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { RequestContext } from '../graphql/context';
import { badUserInput } from '../graphql/limits/argument-limits';
import { tooComplex } from '../graphql/limits/document-limits';
import { queryCost } from '../graphql/limits/query-cost';
import { isKeyless } from './apollo.plugins';
import { KeyBudgets, ThrottleStatus } from './key-budgets';
import { currentScope } from './request-scope';

function rateLimited(message: string, retryAfterSeconds: number, cost?: { requestedQueryCost: number; throttleStatus: ThrottleStatus }): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code: 'RATE_LIMITED',
      retryAfterSeconds,
      ...(cost ? { cost } : {}),
      http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfterSeconds)]]) },
    },
  });
}

/**
 * Before anything executes, and after the key was checked: the operation's arguments with
 * their variables (BAD_USER_INPUT), its cost against `maxQueryCost` and the key's whole budget
 * (QUERY_TOO_COMPLEX), a free in-flight slot for the key and the cost spent from its budget
 * (RATE_LIMITED, 429 with Retry-After). Every executed response reports its cost and the
 * key's budget in `extensions.cost`. A request refused here executes nothing and spends nothing.
 */
export function limitsPlugin(budgets: KeyBudgets, maxQueryCost: number): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart({ request }) {
      const scope = currentScope();
      if (scope) scope.operationName = request.operationName ?? null;
      let held: string | null = null;
      let charged: { requestedQueryCost: number; throttleStatus: ThrottleStatus } | null = null;
      return {
        async didResolveOperation({ contextValue, document, operation, operationName, schema }) {
          if (scope) scope.operationName = operationName;
          const principal = contextValue.principal;
          if (!principal && !isKeyless(operation)) return; // the auth gate answers 401
          let measured;
          try {
            measured = queryCost(schema, document, request.operationName ?? undefined, request.variables);
          } catch (error) {
            if (error instanceof GraphQLError && /maximum allowed number of nodes/.test(error.message)) {
              throw tooComplex('cost', maxQueryCost, 'The query has too many fields to evaluate (fragments spread too often).');
            }
            // Variables that do not coerce: graphql-js's own message (suggestions removed in production).
            throw badUserInput(error instanceof Error ? error.message : 'Invalid variables.');
          }
          if (measured.problem) throw badUserInput(measured.problem);
          const limit = Math.min(maxQueryCost, budgets.maximum);
          if (measured.cost > limit) {
            const which = limit === maxQueryCost ? 'MAX_QUERY_COST' : "the key's whole budget";
            throw tooComplex('cost', limit, `The query costs ${measured.cost}, above ${which} of ${limit}. Ask for smaller pages or fewer nested lists.`, { cost: measured.cost });
          }
          const key = principal ? `key:${principal.keyId}` : `address:${contextValue.clientAddress}`;
          if (!budgets.enter(key)) {
            throw rateLimited('This API key has as many requests executing as it may; wait for one to finish.', 1);
          }
          held = key;
          try {
            const spent = await budgets.spend(key, measured.cost);
            if (!spent.ok) {
              throw rateLimited(`The key's cost budget is spent; it refills within ${spent.retryAfterSeconds} s.`, spent.retryAfterSeconds, {
                requestedQueryCost: measured.cost,
                throttleStatus: spent.status,
              });
            }
            charged = { requestedQueryCost: measured.cost, throttleStatus: spent.status };
            if (scope) scope.cost = measured.cost;
          } catch (error) {
            budgets.leave(key);
            held = null;
            throw error;
          }
        },
        async willSendResponse({ response }) {
          if (held) budgets.leave(held);
          held = null;
          if (charged && response.body.kind === 'single') {
            const result = response.body.singleResult;
            result.extensions = { ...result.extensions, cost: charged };
          }
        },
      };
    },
  };
}
