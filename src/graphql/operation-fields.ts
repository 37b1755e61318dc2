import { GraphQLResolveInfo, Kind, OperationDefinitionNode, SelectionSetNode } from 'graphql';

const namesByOperation = new WeakMap<OperationDefinitionNode, ReadonlySet<string>>();

/**
 * Every field name the running operation selects, at any depth, with every fragment of its
 * document counted as selected. A superset of what the operation reads, for a resolver that may
 * read less when a field is not asked for anywhere. Worked out once per parsed document (the
 * servers keep documents they have seen, so a repeated operation costs one lookup).
 */
export function fieldNamesOf(info: GraphQLResolveInfo): ReadonlySet<string> {
  let names = namesByOperation.get(info.operation);
  if (!names) {
    const found = new Set<string>();
    const visit = (selectionSet: SelectionSetNode | undefined) => {
      for (const selection of selectionSet?.selections ?? []) {
        if (selection.kind === Kind.FIELD) found.add(selection.name.value);
        if (selection.kind !== Kind.FRAGMENT_SPREAD) visit(selection.selectionSet);
      }
    };
    visit(info.operation.selectionSet);
    for (const fragment of Object.values(info.fragments)) visit(fragment.selectionSet);
    namesByOperation.set(info.operation, (names = found));
  }
  return names;
}
