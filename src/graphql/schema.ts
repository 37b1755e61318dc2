import { DateTimeResolver } from 'graphql-scalars';
import { GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { AuthChecker, buildSchemaSync } from 'type-graphql';
import { ApiKeyRole } from '../entities/enums';
import { resolvers } from '../resolvers';
import { RequestContext } from './context';
import './enums';
import { CustomerAccount } from './types/customer-account.type';
import { MonitoredUser } from './types/monitored-user.type';
import { Msp } from './types/msp.type';

/** Roles come from `@Authorized(...)`; a caller without a principal never reaches a resolver. */
export const authChecker: AuthChecker<RequestContext, ApiKeyRole> = ({ context }, roles) =>
  context.principal !== null && roles.includes(context.principal.role);

let built: GraphQLSchema | undefined;

/** The API's schema, built once per process from the resolvers and types. */
export function apiSchema(): GraphQLSchema {
  built ??= buildSchemaSync({
    resolvers,
    orphanedTypes: [Msp, CustomerAccount, MonitoredUser],
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    validate: { forbidUnknownValues: false, validationError: { target: false, value: false } },
    authChecker,
    authMode: 'error',
  });
  return built;
}

/** The SDL committed as schema.graphql: sorted, so it changes only when the contract does. */
export function printApiSchema(): string {
  return `${printSchema(lexicographicSortSchema(apiSchema()))}\n`;
}
