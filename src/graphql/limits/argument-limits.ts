import { ASTNode, ASTVisitor, GraphQLError, Kind, ValidationContext, valueFromAST } from 'graphql';
import { PAGE_SIZE_MAX } from '../../services/pagination';

/** The most items any list argument may carry: `nodes(ids)`, or a list anywhere in an input. */
export const LIST_MAX = 100;

function longestList(value: unknown): number {
  if (Array.isArray(value)) return Math.max(value.length, ...value.map(longestList));
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Math.max(0, ...Object.values(value).map(longestList));
  }
  return 0;
}

/**
 * What is wrong with a field's arguments, or null: page sizes (`first`/`last`) from 1 to 100
 * and never both, no list above 100 items. One rule for literal arguments (a validation rule,
 * before execution) and for variables (checked with the query's cost, also before execution).
 */
export function argumentProblem(args: Record<string, unknown>): string | null {
  if (args.first != null && args.last != null) return 'Pass `first` or `last`, not both.';
  for (const name of ['first', 'last']) {
    const size = args[name];
    if (size != null && (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > PAGE_SIZE_MAX)) {
      return `\`${name}\` must be from 1 to ${PAGE_SIZE_MAX}.`;
    }
  }
  for (const [name, value] of Object.entries(args)) {
    if (longestList(value) > LIST_MAX) return `\`${name}\` takes at most ${LIST_MAX} items.`;
  }
  return null;
}

export function badUserInput(message: string, nodes?: ASTNode): GraphQLError {
  return new GraphQLError(message, { nodes, extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
}

/**
 * Validation rule: literal arguments out of range are refused with BAD_USER_INPUT (HTTP 400)
 * before anything runs, as GitHub does, instead of nulling the parent at execution (which
 * blanked the dashboard's counts along with the list). Arguments given as variables are
 * checked with the cost (limits plugin), once their values are known.
 */
export function ArgumentLimitsRule(context: ValidationContext): ASTVisitor {
  return {
    Field(node) {
      const field = context.getFieldDef();
      if (!field || !node.arguments?.length) return;
      const literals: Record<string, unknown> = {};
      for (const argument of node.arguments) {
        if (argument.value.kind === Kind.VARIABLE) continue;
        const definition = field.args.find((a) => a.name === argument.name.value);
        if (!definition) continue;
        const value = valueFromAST(argument.value, definition.type);
        if (value !== undefined) literals[definition.name] = value;
      }
      const problem = argumentProblem(literals);
      if (problem) context.reportError(badUserInput(problem, node));
    },
  };
}
