import { DocumentNode, getNamedType, getOperationAST, GraphQLSchema, isLeafType } from 'graphql';
import { ComplexityEstimator, getComplexity } from 'graphql-query-complexity';
import { PAGE_SIZE_DEFAULT } from '../../services/pagination';
import { argumentProblem } from './argument-limits';

/**
 * The one cost estimator, for both the per-request cap and the rate limit:
 * - a scalar or enum field costs 0;
 * - an object field costs 1 plus its selection;
 * - a connection (a field taking `first`/`last`) costs (first or last, default 20) × (its
 *   selection's cost) + 1, so `customers(first: 50) { nodes { name } }` costs 50 × 1 + 1;
 * - `nodes(ids)` costs (number of ids) × (its selection's cost) + 1.
 * Pages are counted at the size asked for, not the size returned, so the cost is known before
 * anything runs. It also checks every field's arguments with their variables substituted.
 */
function estimator(problems: string[]): ComplexityEstimator {
  return ({ field, args, childComplexity }) => {
    const problem = argumentProblem(args);
    if (problem) problems.push(problem);
    if (isLeafType(getNamedType(field.type))) return 0;
    const paged = field.args.some((a) => a.name === 'first' || a.name === 'last');
    if (paged) {
      const size = Math.min(Number(args.first ?? args.last ?? PAGE_SIZE_DEFAULT) || PAGE_SIZE_DEFAULT, 100);
      return size * childComplexity + 1;
    }
    if (Array.isArray(args.ids)) return args.ids.length * childComplexity + 1;
    return 1 + childComplexity;
  };
}

export interface QueryCost {
  cost: number;
  /** The first argument problem found (with variables substituted), or null. */
  problem: string | null;
}

/**
 * Costs already computed, by schema, parsed document (Apollo reuses one per query text),
 * operation and the values of the variables the operation declares (others change nothing).
 * One LRU for all of them, bounded in bytes: keys come from clients, keyless ones included.
 */
const known = new Map<string, QueryCost>();
const KNOWN_BYTES = 4 * 1024 * 1024;
const KNOWN_KEY_MAX = 4096;
let knownBytes = 0;
const ids = new WeakMap<object, number>();
let lastId = 0;
const idOf = (object: object) => {
  let id = ids.get(object);
  if (id === undefined) ids.set(object, (id = ++lastId));
  return id;
};

function memoKey(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown> | undefined): string | null {
  const operation = getOperationAST(document, operationName);
  if (!operation) return null;
  const declared: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (variables && name in variables) declared[name] = variables[name];
  }
  const key = `${idOf(schema)}:${idOf(document)}:${operationName ?? ''}\n${JSON.stringify(declared)}`;
  return key.length <= KNOWN_KEY_MAX ? key : null;
}

/**
 * The cost of the operation `operationName` of a validated document, with its variables.
 * Throws graphql-query-complexity's GraphQLError when the variables do not coerce or the
 * document has more than 10,000 field nodes to evaluate (fragments spread many times).
 * A dashboard polled all day asks the same document with the same variables: its cost is
 * computed once (walking the document was 4% of a dashboard request's CPU time).
 */
export function queryCost(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown> | undefined): QueryCost {
  const key = memoKey(schema, document, operationName, variables);
  const hit = key === null ? undefined : known.get(key);
  if (key !== null && hit) {
    known.delete(key);
    known.set(key, hit);
    return hit;
  }
  const problems: string[] = [];
  const cost = getComplexity({ schema, query: document, operationName, variables, estimators: [estimator(problems)] });
  const result = { cost, problem: problems[0] ?? null };
  if (key !== null) {
    known.set(key, result);
    knownBytes += key.length * 2 + 64;
    while (knownBytes > KNOWN_BYTES) {
      const oldest = known.keys().next().value!;
      known.delete(oldest);
      knownBytes -= oldest.length * 2 + 64;
    }
  }
  return result;
}

/** How many costs are kept and their approximate size (tests, diagnostics). */
export function knownCosts(): { entries: number; bytes: number } {
  return { entries: known.size, bytes: knownBytes };
}
