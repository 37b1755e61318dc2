/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query CustomersPage($first: Int!, $after: String, $state: SubscriptionState) {\n    msp {\n      id\n      name\n      billableMonitoredUsers\n      activeTrialMonitoredUsers\n      expiredTrialMonitoredUsers\n      customerCounts { paid activeTrials expiredTrials total }\n      customers(first: $first, after: $after, state: $state, orderBy: { field: CREATED_AT, direction: ASC }) {\n        totalCount\n        monitoredUserTotal\n        pageInfo { hasNextPage endCursor }\n        edges {\n          cursor\n          node {\n            id\n            accountNumber\n            organizationName\n            externalId\n            subscriptionState\n            trialEndsAt\n            monitoredUserCount\n            licensedSeats\n            seatOverage\n          }\n        }\n      }\n    }\n  }\n": typeof types.CustomersPageDocument,
    "\n  mutation AddCustomer($input: AddCustomerInput!) {\n    addCustomer(input: $input) {\n      customer {\n        id\n        accountNumber\n        organizationName\n        subscriptionState\n        trialEndsAt\n        msp {\n          id\n          activeTrialMonitoredUsers\n          customerCounts { paid activeTrials expiredTrials total }\n        }\n      }\n      userErrors { field message code }\n    }\n  }\n": typeof types.AddCustomerDocument,
    "\n  query DashboardHeader {\n    msp { id billableMonitoredUsers customerCounts { paid total } }\n  }\n": typeof types.DashboardHeaderDocument,
    "\n  query DashboardTabs {\n    msp { id customerCounts { activeTrials expiredTrials } }\n  }\n": typeof types.DashboardTabsDocument,
};
const documents: Documents = {
    "\n  query CustomersPage($first: Int!, $after: String, $state: SubscriptionState) {\n    msp {\n      id\n      name\n      billableMonitoredUsers\n      activeTrialMonitoredUsers\n      expiredTrialMonitoredUsers\n      customerCounts { paid activeTrials expiredTrials total }\n      customers(first: $first, after: $after, state: $state, orderBy: { field: CREATED_AT, direction: ASC }) {\n        totalCount\n        monitoredUserTotal\n        pageInfo { hasNextPage endCursor }\n        edges {\n          cursor\n          node {\n            id\n            accountNumber\n            organizationName\n            externalId\n            subscriptionState\n            trialEndsAt\n            monitoredUserCount\n            licensedSeats\n            seatOverage\n          }\n        }\n      }\n    }\n  }\n": types.CustomersPageDocument,
    "\n  mutation AddCustomer($input: AddCustomerInput!) {\n    addCustomer(input: $input) {\n      customer {\n        id\n        accountNumber\n        organizationName\n        subscriptionState\n        trialEndsAt\n        msp {\n          id\n          activeTrialMonitoredUsers\n          customerCounts { paid activeTrials expiredTrials total }\n        }\n      }\n      userErrors { field message code }\n    }\n  }\n": types.AddCustomerDocument,
    "\n  query DashboardHeader {\n    msp { id billableMonitoredUsers customerCounts { paid total } }\n  }\n": types.DashboardHeaderDocument,
    "\n  query DashboardTabs {\n    msp { id customerCounts { activeTrials expiredTrials } }\n  }\n": types.DashboardTabsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CustomersPage($first: Int!, $after: String, $state: SubscriptionState) {\n    msp {\n      id\n      name\n      billableMonitoredUsers\n      activeTrialMonitoredUsers\n      expiredTrialMonitoredUsers\n      customerCounts { paid activeTrials expiredTrials total }\n      customers(first: $first, after: $after, state: $state, orderBy: { field: CREATED_AT, direction: ASC }) {\n        totalCount\n        monitoredUserTotal\n        pageInfo { hasNextPage endCursor }\n        edges {\n          cursor\n          node {\n            id\n            accountNumber\n            organizationName\n            externalId\n            subscriptionState\n            trialEndsAt\n            monitoredUserCount\n            licensedSeats\n            seatOverage\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query CustomersPage($first: Int!, $after: String, $state: SubscriptionState) {\n    msp {\n      id\n      name\n      billableMonitoredUsers\n      activeTrialMonitoredUsers\n      expiredTrialMonitoredUsers\n      customerCounts { paid activeTrials expiredTrials total }\n      customers(first: $first, after: $after, state: $state, orderBy: { field: CREATED_AT, direction: ASC }) {\n        totalCount\n        monitoredUserTotal\n        pageInfo { hasNextPage endCursor }\n        edges {\n          cursor\n          node {\n            id\n            accountNumber\n            organizationName\n            externalId\n            subscriptionState\n            trialEndsAt\n            monitoredUserCount\n            licensedSeats\n            seatOverage\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddCustomer($input: AddCustomerInput!) {\n    addCustomer(input: $input) {\n      customer {\n        id\n        accountNumber\n        organizationName\n        subscriptionState\n        trialEndsAt\n        msp {\n          id\n          activeTrialMonitoredUsers\n          customerCounts { paid activeTrials expiredTrials total }\n        }\n      }\n      userErrors { field message code }\n    }\n  }\n"): (typeof documents)["\n  mutation AddCustomer($input: AddCustomerInput!) {\n    addCustomer(input: $input) {\n      customer {\n        id\n        accountNumber\n        organizationName\n        subscriptionState\n        trialEndsAt\n        msp {\n          id\n          activeTrialMonitoredUsers\n          customerCounts { paid activeTrials expiredTrials total }\n        }\n      }\n      userErrors { field message code }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardHeader {\n    msp { id billableMonitoredUsers customerCounts { paid total } }\n  }\n"): (typeof documents)["\n  query DashboardHeader {\n    msp { id billableMonitoredUsers customerCounts { paid total } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardTabs {\n    msp { id customerCounts { activeTrials expiredTrials } }\n  }\n"): (typeof documents)["\n  query DashboardTabs {\n    msp { id customerCounts { activeTrials expiredTrials } }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;