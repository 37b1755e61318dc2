import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, ValidationContext, ValidationRule } from 'graphql';

/**
 * Shape limits on a GraphQL document, checked before anything runs. The dashboard's deepest
 * query is 8 levels, uses no aliases and no directives, and is about 60 tokens.
 */
export const DOCUMENT_LIMITS = {
  depth: 10,
  aliases: 15,
  directives: 10,
  tokens: 2000,
} as const;

export type DocumentLimit = keyof typeof DOCUMENT_LIMITS;

/** The error every document limit answers: QUERY_TOO_COMPLEX (HTTP 400), naming the limit. */
export function tooComplex(rule: DocumentLimit | 'cost', limit: number, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX', rule, limit, ...extra, http: { status: 400 } } });
}

/** Armor reports through the validation context; this puts our code and the limit on it. */
function reportAs(rule: DocumentLimit): (context: ValidationContext | null, error: GraphQLError) => void {
  return (context, error) => {
    const message = error.message.replace(/^Syntax Error: /, '');
    context?.reportError(tooComplex(rule, DOCUMENT_LIMITS[rule], message));
  };
}

/**
 * graphql-armor's depth, alias and directive rules (validation rules, so a refusal is a 400
 * before execution) and, in production, its field-suggestion masking.
 *
 * Two of armor's protections are off on purpose:
 * - its cost limit: cost is graphql-query-complexity's (query-cost.ts), one estimator for the
 *   cap and the rate limit;
 * - its token limit: on Apollo, armor counts tokens in `parsingDidStart`, which Apollo runs
 *   outside its error handling, so a refusal becomes a 500. graphql-js's own parser option
 *   `maxTokens` (see `PARSE_OPTIONS`) stops the same lexer at the same count, and Apollo answers
 *   its error as a parse failure, which formatError maps to QUERY_TOO_COMPLEX.
 */
export function documentLimits(production: boolean): { validationRules: ValidationRule[]; plugins: ReturnType<ApolloArmor['protect']>['plugins'] } {
  const armor = new ApolloArmor({
    maxDepth: { n: DOCUMENT_LIMITS.depth, ignoreIntrospection: true, flattenFragments: false, propagateOnRejection: false, onReject: [reportAs('depth')] },
    maxAliases: { n: DOCUMENT_LIMITS.aliases, propagateOnRejection: false, onReject: [reportAs('aliases')] },
    maxDirectives: { n: DOCUMENT_LIMITS.directives, propagateOnRejection: false, onReject: [reportAs('directives')] },
    maxTokens: { enabled: false },
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: production, mask: '' },
  });
  const { validationRules, plugins } = armor.protect();
  return { validationRules, plugins };
}

/** Apollo's parse options: the token cap, enforced by graphql-js's lexer as it reads. */
export const PARSE_OPTIONS = { maxTokens: DOCUMENT_LIMITS.tokens };

const TOKEN_LIMIT_MESSAGE = /Document contains more that? \d+ tokens/;

/** True for graphql-js's "Document contains more than N tokens" parse error. */
export function isTokenLimitError(message: string): boolean {
  return TOKEN_LIMIT_MESSAGE.test(message);
}
