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
  const byClass = <V>(entries: Array<[Function, string, V]>) => {
    const map = new Map<Function, Map<string, V>>();
    for (const [target, field, value] of entries) {
      if (!map.has(target)) map.set(target, new Map());
      map.get(target)!.set(field, value);
    }
    return map;
  };
  const guarded = byClass([...storage.authorizedFields, ...storage.middlewares].map(({ target, fieldName }) => [target, fieldName, true]));
  const fields = byClass(storage.fields.map((field) => [field.target, field.name, field]));
  const resolvers = byClass(
    storage.fieldResolvers.flatMap((resolver) => {
      const target = resolver.getObjectType?.();
      return target ? [[target, resolver.methodName, resolver] as [Function, string, typeof resolver]] : [];
    }),
  );

  /** Whether the class declares `field` as plain; undefined when it does not declare it. */
  const isPlain = (target: Function, name: string): boolean | undefined => {
    if (guarded.get(target)?.has(name)) return false;
    const resolver = resolvers.get(target)?.get(name);
    const field = fields.get(target)?.get(name);
    let simple: boolean;
    if (resolver) simple = resolver.kind === 'internal' && !resolver.roles?.length && !resolver.middlewares?.length && !resolver.params?.length;
    else if (field) simple = !field.roles?.length && !field.middlewares?.length && !field.params?.length;
    else return undefined;
    // Only a value, never a promise: graphql-jit reads plain fields inline and does not wait for
    // a promise there (a `totalCount` getter returning one was answered as `{}`).
    const type = Reflect.getMetadata('design:type', target.prototype, name);
    return simple && type !== undefined && type !== Promise;
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
