import type { GatewayExecutionResult, GatewayExecutor, GatewayInterface, GatewaySchemaLoadOrUpdateCallback } from '@apollo/server-gateway-interface';
import { DocumentNode, ExecutionResult, GraphQLError, GraphQLSchema, Kind, OperationDefinitionNode, execute } from 'graphql';
import { CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';

/** Compiled operations kept per document; a document rarely holds more than one or two. */
const COMPILED_PER_DOCUMENT = 16;

/**
 * Queries compiled by graphql-jit instead of interpreted by graphql-js: the same resolvers, the
 * same results, without graphql-js walking the selection set again for every row of a list (its
 * per-field bookkeeping was a tenth of a dashboard request). Mutations, and queries that ask the
 * schema about itself, still go through graphql-js's `execute`: root mutation fields run one
 * after another with fresh loaders (see fresh-loaders.ts), which is graphql-js's behaviour to keep.
 */
export class JitExecutor {
  private readonly compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery>>();

  constructor(private readonly schema: GraphQLSchema) {}

  readonly execute: GatewayExecutor = async ({ document, operation, request, context }) => {
    // No operation: the name matched none; graphql-js words that error, and Apollo answers it as a bad request.
    const resolved = operation as OperationDefinitionNode | undefined;
    if (!resolved || resolved.operation !== 'query' || mayAskForIntrospection(resolved) || nonNullWithDefault(resolved)) {
      return execute({ schema: this.schema, document, operationName: request.operationName, contextValue: context, variableValues: request.variables });
    }
    const query = this.compile(document, request.operationName ?? null);
    if (!isCompiledQuery(query)) return query as GatewayExecutionResult;
    const result = (await query.query(undefined, context, request.variables)) as GatewayExecutionResult;
    return result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
  };

  private compile(document: DocumentNode, operationName: string | null): CompiledQuery | ExecutionResult {
    const name = operationName ?? '';
    let byName = this.compiled.get(document);
    const known = byName?.get(name);
    if (known) return known;
    const query = compileQuery(this.schema, document, operationName ?? undefined);
    if (isCompiledQuery(query)) {
      if (!byName) this.compiled.set(document, (byName = new Map()));
      if (byName.size >= COMPILED_PER_DOCUMENT) byName.delete(byName.keys().next().value!);
      byName.set(name, query);
    }
    return query;
  }
}

/**
 * graphql-jit's errors are GraphQLErrors with fields of their own making: no `extensions` where
 * graphql-js sets `{}` (Apollo reads `extensions.code` of every error and fails on them), and
 * locations without the nodes. Rebuilt as graphql-js builds them, they format alike.
 */
function asGraphQLError(error: GraphQLError): GraphQLError {
  const rebuilt = new GraphQLError(error.message, {
    path: error.path,
    originalError: error.originalError ?? undefined,
    extensions: error.extensions ?? undefined,
  });
  // The same positions in the document as graphql-js reports (jit computed them without the nodes).
  Object.assign(rebuilt, { locations: error.locations });
  return rebuilt;
}

/**
 * `$first: Int! = 20`: graphql-jit 0.8.9 applies a variable's default only when its type is
 * nullable, and refuses the omitted non-null one (graphql-js uses the default). Generated
 * clients write such variables; graphql-js runs those operations.
 */
function nonNullWithDefault(operation: OperationDefinitionNode): boolean {
  return (operation.variableDefinitions ?? []).some((v) => v.defaultValue !== undefined && v.type.kind === Kind.NON_NULL_TYPE);
}

function mayAskForIntrospection(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.some((s) => s.kind !== Kind.FIELD || s.name.value === '__schema' || s.name.value === '__type');
}

/**
 * Apollo Server's documented way to bring its own executor: a gateway whose `load()` hands over
 * the schema (through the `onSchemaLoadOrUpdate` callback) and the executor. Apollo still parses,
 * validates, runs every plugin hook and formats errors.
 */
export function jitGateway(schema: GraphQLSchema): GatewayInterface {
  const callbacks = new Set<GatewaySchemaLoadOrUpdateCallback>();
  const executor = new JitExecutor(schema);
  return {
    onSchemaLoadOrUpdate(callback) {
      callbacks.add(callback);
      return () => callbacks.delete(callback);
    },
    async load() {
      for (const callback of callbacks) callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return { executor: executor.execute };
    },
    async stop() {
      callbacks.clear();
    },
  };
}
