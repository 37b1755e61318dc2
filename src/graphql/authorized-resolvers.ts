import { GraphQLFieldResolver, GraphQLSchema, isObjectType } from 'graphql';
import { AuthCheckerFn, AuthenticationError, AuthorizationError, getMetadataStorage } from 'type-graphql';

type Metadata = ReturnType<typeof getMetadataStorage>['queries'][number] | ReturnType<typeof getMetadataStorage>['fieldResolvers'][number];
type Param = NonNullable<Metadata['params']>[number];

const SCALAR_CLASSES: ReadonlySet<unknown> = new Set([String, Number, Boolean]);
/** A parameter only type-graphql can produce for this call: its own resolver runs instead. */
const CONVERT = Symbol('convert');

/** How a resolver's parameter is read from graphql's arguments, or null when type-graphql must convert it. */
function readerOf(param: Param): ((root: unknown, args: Record<string, unknown>, context: unknown, info: unknown) => unknown) | null {
  switch (param.kind) {
    case 'root': {
      const type = param.getType?.();
      if (param.propertyName) return null;
      // A root of its declared class as it is; type-graphql converts other values.
      return typeof type === 'function' ? (root) => (root == null || root instanceof type ? root : CONVERT) : (root) => root;
    }
    case 'context':
      return param.propertyName ? null : (_root, _args, context) => context;
    case 'info':
      return (_root, _args, _context, info) => info;
    case 'arg':
      // A scalar argument is passed as graphql coerced it; type-graphql's validation skips scalars.
      return SCALAR_CLASSES.has(param.getType()) && !param.validateFn ? (_root, args) => args[param.name] : null;
    default:
      return null;
  }
}

/**
 * The reads that need a role and take no input object (`msp`, `Msp.customerCounts`, the three
 * totals...) check the role and call their method directly instead of through type-graphql's
 * middleware chain, which for the one check it runs builds two async dispatchers, a container
 * lookup and a parameter list per call: on the dashboard, 34 us of 190 for its six resolvers.
 * Same checker, same errors (AuthorizationError, AuthenticationError without roles), same
 * parameters; a resolver with other middlewares or a parameter type-graphql must convert or
 * validate (an input object, a root of another class) keeps type-graphql's resolver. Mutations
 * keep theirs too (fresh-loaders.ts wraps them).
 */
export function checkRolesDirectly<T extends object, R>(schema: GraphQLSchema, authChecker: AuthCheckerFn<T, R>): GraphQLSchema {
  const storage = getMetadataStorage();
  const instances = new Map<Function, Record<string, (...params: unknown[]) => unknown>>();
  const instanceOf = (target: Function) => {
    let instance = instances.get(target);
    if (!instance) instances.set(target, (instance = new (target as new () => Record<string, (...params: unknown[]) => unknown>)()));
    return instance;
  };
  const typeNameOf = (target: Function) => storage.objectTypes.find((type) => type.target === target)?.name;

  const replace = (typeName: string | undefined, metadata: Metadata) => {
    const type = typeName ? schema.getType(typeName) : null;
    const field = isObjectType(type) ? type.getFields()[metadata.schemaName] : undefined;
    const roles = metadata.roles;
    if (!field || !roles || (metadata.middlewares?.length ?? 0) > 0) return;
    const params = [...(metadata.params ?? [])].sort((a, b) => a.index - b.index);
    const readers = params.map(readerOf);
    if (readers.some((reader) => reader === null)) return;
    const read = readers as Array<NonNullable<ReturnType<typeof readerOf>>>;
    const method = metadata.methodName;
    const target = metadata.target;
    const original = field.resolve!;
    const resolve: GraphQLFieldResolver<unknown, T> = async (root, args, context, info) => {
      const values = read.map((reader) => reader(root, args, context, info));
      if (values.includes(CONVERT)) return original(root, args, context, info);
      if (!(await authChecker({ root, args, context, info }, roles))) throw roles.length === 0 ? new AuthenticationError() : new AuthorizationError();
      return instanceOf(target)[method](...values);
    };
    field.resolve = resolve as GraphQLFieldResolver<unknown, unknown>;
  };

  for (const query of storage.queries) replace(schema.getQueryType()?.name, query);
  for (const resolver of storage.fieldResolvers) {
    const objectType = resolver.getObjectType?.();
    if (resolver.kind === 'external' && objectType) replace(typeNameOf(objectType), resolver);
  }
  return schema;
}
