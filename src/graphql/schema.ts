import { DateTimeResolver } from 'graphql-scalars';
import { GraphQLScalarType, GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { ValidationError, ValidatorOptions, validateOrReject } from 'class-validator';
import { ArgumentValidationError, AuthCheckerFn, buildSchemaSync } from 'type-graphql';
import { checkRolesDirectly } from './authorized-resolvers';
import { ApiKeyRole } from '../entities/enums';
import { resolvers } from '../resolvers';
import { RequestContext } from './context';
import './enums';
import { freshLoadersPerMutation } from './fresh-loaders';
import { readPlainFieldsDirectly } from './plain-fields';
import { recordRefusal } from './refusal-audit';
import { CustomerAccount } from './types/customer-account.type';
import { MonitoredUser } from './types/monitored-user.type';
import { Msp } from './types/msp.type';

/**
 * Roles come from `@Authorized(...)`; a caller without a principal never reaches a resolver.
 * An authenticated caller refused a field leaves an AUTHORIZATION_REFUSED event naming it.
 */
export const authChecker: AuthCheckerFn<RequestContext, ApiKeyRole> = async ({ context, info }, roles) => {
  if (!context.principal) return false;
  if (roles.includes(context.principal.role)) return true;
  await recordRefusal(context, `${info.parentType.name}.${info.fieldName}`, roles);
  return false;
};

/**
 * graphql-scalars' DateTime with `@specifiedBy`: without it code generators type every date as
 * `unknown`. The URL is the RFC 3339 date-time scalar specification at scalars.graphql.org.
 */
export const DATE_TIME_SPECIFIED_BY = 'https://scalars.graphql.org/andimarek/date-time';
const dateTime = DateTimeResolver.toConfig();
/**
 * Serialized to its ISO text during execution: graphql-scalars hands back the Date itself and
 * leaves the text to JSON.stringify (Date#toJSON, the same text), which then leaves its fast path
 * for the whole answer; a 50-row page took 2.7 times as long to stringify.
 */
const DateTimeScalar = new GraphQLScalarType({
  ...dateTime,
  specifiedByURL: DATE_TIME_SPECIFIED_BY,
  serialize: (value) => {
    const serialized = dateTime.serialize(value);
    return serialized instanceof Date ? serialized.toISOString() : serialized;
  },
});

/** What type-graphql's `validate: true` passes class-validator, with our error shape (no echoed input). */
const VALIDATOR_OPTIONS: ValidatorOptions = { skipMissingProperties: true, forbidUnknownValues: false, validationError: { target: false, value: false } };

const validatable = (value: unknown): value is object => value !== null && typeof value === 'object';

/**
 * Argument validation as type-graphql's own (`validate`), with class-validator imported once:
 * type-graphql imports it anew for every argument it validates, and the compiled import copies
 * every one of its exports into a new object each time (1% of a dashboard profile, and garbage).
 */
async function validateArgument(value: unknown): Promise<void> {
  if (!validatable(value)) return;
  try {
    if (Array.isArray(value)) await Promise.all(value.filter(validatable).map((item) => validateOrReject(item, VALIDATOR_OPTIONS)));
    else await validateOrReject(value, VALIDATOR_OPTIONS);
  } catch (errors) {
    throw new ArgumentValidationError(errors as ValidationError[]);
  }
}

let built: GraphQLSchema | undefined;

/** The API's schema, built once per process from the resolvers and types. */
export function apiSchema(): GraphQLSchema {
  built ??= readPlainFieldsDirectly(checkRolesDirectly(freshLoadersPerMutation(describeRoots(buildSchemaSync({
    resolvers,
    orphanedTypes: [Msp, CustomerAccount, MonitoredUser],
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    validateFn: validateArgument,
    authChecker,
    authMode: 'error',
  }))), authChecker));
  return built;
}

/** type-graphql creates the root types itself and has no option for their descriptions. */
function describeRoots(schema: GraphQLSchema): GraphQLSchema {
  const query = schema.getQueryType();
  const mutation = schema.getMutationType();
  if (query) query.description = 'Reads. Every field needs an API key (`Authorization: Bearer cc_...`); what a key sees depends on its role and MSP.';
  if (mutation) mutation.description = 'Changes. Each takes one `input` and returns a payload with the changed object and `userErrors`; nothing is written when there are user errors.';
  return schema;
}

/** The SDL committed as schema.graphql: sorted, so it changes only when the contract does. */
export function printApiSchema(): string {
  return `${printSchema(lexicographicSortSchema(apiSchema()))}\n`;
}
