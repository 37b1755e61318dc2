import { GraphQLSchema, isObjectType } from 'graphql';
import { getMetadataStorage } from 'type-graphql';

/**
 * Removes type-graphql's resolver from every field that only reads a property or a getter of
 * its object (no roles, no middlewares, no arguments), so graphql's default resolver (or
 * graphql-jit, inline) reads it directly. type-graphql wraps each such field, getters included,
 * in a resolver that converts the parent and runs an empty middleware chain: on a 50-row page
 * that was 300 calls per request for nothing. Fields with `@Authorized` or a middleware keep
 * theirs (test/schema.test.ts checks that every authorized field still has one), and so do
 * getters that return a promise (or whose return type the compiler did not record).
 */
export function readPlainFieldsDirectly(schema: GraphQLSchema): GraphQLSchema {
  const storage = getMetadataStorage();
  const guarded = new Set<string>();
  const key = (target: Function, field: string) => `${target.name}\u0000${field}`;
  for (const { target, fieldName } of storage.authorizedFields) guarded.add(key(target, fieldName));
  for (const { target, fieldName } of storage.middlewares) guarded.add(key(target, fieldName));
  const plain = new Map<Function, Set<string>>();
  const addPlain = (target: Function, field: string) => {
    if (!plain.has(target)) plain.set(target, new Set());
    plain.get(target)!.add(field);
  };
  for (const field of storage.fields) {
    if (!field.roles?.length && !field.middlewares?.length && !field.params?.length) addPlain(field.target, field.name);
  }
  const resolvers = new Map<Function, Map<string, (typeof storage.fieldResolvers)[number]>>();
  for (const resolver of storage.fieldResolvers) {
    const target = resolver.getObjectType?.();
    if (!target) continue;
    if (!resolvers.has(target)) resolvers.set(target, new Map());
    resolvers.get(target)!.set(resolver.methodName, resolver);
  }

  const isPlain = (target: Function, field: string): boolean | undefined => {
    if (guarded.has(key(target, field))) return false;
    const resolver = resolvers.get(target)?.get(field);
    if (resolver) {
      // A getter: only when it returns a value. graphql-jit reads plain fields inline and does not
      // wait for a promise there (a `totalCount` getter returning one was answered as `{}`).
      const returns = Reflect.getMetadata('design:type', target.prototype, field);
      const simple = resolver.kind === 'internal' && !resolver.roles?.length && !resolver.middlewares?.length && !resolver.params?.length;
      return simple && returns !== undefined && returns !== Promise;
    }
    if (!plain.get(target)?.has(field)) return undefined;
    const holds = Reflect.getMetadata('design:type', target.prototype, field);
    return holds !== undefined && holds !== Promise;
  };

  for (const objectType of storage.objectTypes) {
    const type = schema.getType(objectType.name);
    if (!isObjectType(type)) continue;
    for (const [name, field] of Object.entries(type.getFields())) {
      // The class that declares the field: the type's own, or one it extends.
      let verdict: boolean | undefined;
      for (let cls: Function | null = objectType.target; cls && cls !== Object && verdict === undefined; cls = Object.getPrototypeOf(cls)) {
        verdict = isPlain(cls, name);
      }
      if (verdict === true && field.args.length === 0) field.resolve = undefined;
    }
  }
  return schema;
}
