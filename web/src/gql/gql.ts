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
    "\n  fragment MspHeaderFields on Msp {\n    id\n    name\n    accountNumber\n    billableMonitoredUsers\n    customerCounts {\n      paid\n      activeTrials\n      expiredTrials\n      total\n    }\n  }\n": typeof types.MspHeaderFieldsFragmentDoc,
    "\n  fragment CustomerFields on CustomerAccount {\n    id\n    accountNumber\n    organizationName\n    adminEmail\n    monitoredUserCount\n    monitoredUserLimit\n    subscriptionState\n    plan\n    trialDaysRemaining\n    licensedSeats\n    seatOverage\n  }\n": typeof types.CustomerFieldsFragmentDoc,
    "\n  fragment SupportRequestFields on SupportRequest {\n    id\n    kind\n    status\n    days\n    licensedSeats\n    createdAt\n    resolvedAt\n    resolution\n    customer {\n      id\n    }\n  }\n": typeof types.SupportRequestFieldsFragmentDoc,
    "\n  query Dashboard {\n    msp {\n      ...MspHeaderFields\n    }\n  }\n": typeof types.DashboardDocument,
    "\n  query ApiKeys($after: String) {\n    msp {\n      id\n      apiKeys(first: 50, after: $after) {\n        edges {\n          node {\n            id\n            prefix\n            role\n            revokedAt\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.ApiKeysDocument,
    "\n  query Customers($state: SubscriptionState!, $search: String, $orderBy: CustomerOrder!, $first: Int!, $after: String) {\n    msp {\n      id\n      customers(state: $state, search: $search, orderBy: $orderBy, first: $first, after: $after) {\n        totalCount\n        monitoredUserTotal\n        edges {\n          cursor\n          node {\n            ...CustomerFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.CustomersDocument,
    "\n  query SupportRequests {\n    msp {\n      id\n      supportRequests(first: 50) {\n        edges {\n          cursor\n          node {\n            ...SupportRequestFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.SupportRequestsDocument,
    "\n  query EmailAvailability($email: String!) {\n    checkAdminEmailAvailability(email: $email) {\n      available\n      reason\n    }\n  }\n": typeof types.EmailAvailabilityDocument,
    "\n  mutation AddCustomer($input: AddCustomerInput!) {\n    addCustomer(input: $input) {\n      customer {\n        ...CustomerFields\n        msp {\n          ...MspHeaderFields\n        }\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.AddCustomerDocument,
    "\n  mutation AccessCustomer($input: AccessCustomerInput!) {\n    accessCustomer(input: $input) {\n      url\n      expiresAt\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.AccessCustomerDocument,
    "\n  mutation RequestUpgrade($input: RequestUpgradeInput!) {\n    requestUpgrade(input: $input) {\n      supportRequest {\n        ...SupportRequestFields\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.RequestUpgradeDocument,
    "\n  mutation RequestTrialExtension($input: RequestTrialExtensionInput!) {\n    requestTrialExtension(input: $input) {\n      supportRequest {\n        ...SupportRequestFields\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.RequestTrialExtensionDocument,
    "\n  mutation RequestRemoval($input: RequestRemovalInput!) {\n    requestRemoval(input: $input) {\n      supportRequest {\n        ...SupportRequestFields\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n": typeof types.RequestRemovalDocument,
};
const documents: Documents = {
    "\n  fragment MspHeaderFields on Msp {\n    id\n    name\n    accountNumber\n    billableMonitoredUsers\n    customerCounts {\n      paid\n      activeTrials\n      expiredTrials\n      total\n    }\n  }\n": types.MspHeaderFieldsFragmentDoc,
    "\n  fragment CustomerFields on CustomerAccount {\n    id\n    accountNumber\n    organizationName\n    adminEmail\n    monitoredUserCount\n    monitoredUserLimit\n    subscriptionState\n    plan\n    trialDaysRemaining\n    licensedSeats\n    seatOverage\n  }\n": types.CustomerFieldsFragmentDoc,
    "\n  fragment SupportRequestFields on SupportRequest {\n    id\n    kind\n    status\n    days\n    licensedSeats\n    createdAt\n    resolvedAt\n    resolution\n    customer {\n      id\n    }\n  }\n": types.SupportRequestFieldsFragmentDoc,
    "\n  query Dashboard {\n    msp {\n      ...MspHeaderFields\n    }\n  }\n": types.DashboardDocument,
    "\n  query ApiKeys($after: String) {\n    msp {\n      id\n      apiKeys(first: 50, after: $after) {\n        edges {\n          node {\n            id\n            prefix\n            role\n            revokedAt\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": types.ApiKeysDocument,
    "\n  query Customers($state: SubscriptionState!, $search: String, $orderBy: CustomerOrder!, $first: Int!, $after: String) {\n    msp {\n      id\n      customers(state: $state, search: $search, orderBy: $orderBy, first: $first, after: $after) {\n        totalCount\n        monitoredUserTotal\n        edges {\n          cursor\n          node {\n            ...CustomerFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": types.CustomersDocument,
    "\n  query SupportRequests {\n    msp {\n      id\n      supportRequests(first: 50) {\n        edges {\n          cursor\n          node {\n            ...SupportRequestFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": types.SupportRequestsDocument,
    "\n  query EmailAvailability($email: String!) {\n    checkAdminEmailAvailability(email: $email) {\n      available\n      reason\n    }\n  }\n": types.EmailAvailabilityDocument,
    "\n  mutation AddCustomer($input: AddCustomerInput!) {\n    addCustomer(input: $input) {\n      customer {\n        ...CustomerFields\n        msp {\n          ...MspHeaderFields\n        }\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.AddCustomerDocument,
    "\n  mutation AccessCustomer($input: AccessCustomerInput!) {\n    accessCustomer(input: $input) {\n      url\n      expiresAt\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.AccessCustomerDocument,
    "\n  mutation RequestUpgrade($input: RequestUpgradeInput!) {\n    requestUpgrade(input: $input) {\n      supportRequest {\n        ...SupportRequestFields\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.RequestUpgradeDocument,
    "\n  mutation RequestTrialExtension($input: RequestTrialExtensionInput!) {\n    requestTrialExtension(input: $input) {\n      supportRequest {\n        ...SupportRequestFields\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.RequestTrialExtensionDocument,
    "\n  mutation RequestRemoval($input: RequestRemovalInput!) {\n    requestRemoval(input: $input) {\n      supportRequest {\n        ...SupportRequestFields\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n": types.RequestRemovalDocument,
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
export function graphql(source: "\n  fragment MspHeaderFields on Msp {\n    id\n    name\n    accountNumber\n    billableMonitoredUsers\n    customerCounts {\n      paid\n      activeTrials\n      expiredTrials\n      total\n    }\n  }\n"): (typeof documents)["\n  fragment MspHeaderFields on Msp {\n    id\n    name\n    accountNumber\n    billableMonitoredUsers\n    customerCounts {\n      paid\n      activeTrials\n      expiredTrials\n      total\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CustomerFields on CustomerAccount {\n    id\n    accountNumber\n    organizationName\n    adminEmail\n    monitoredUserCount\n    monitoredUserLimit\n    subscriptionState\n    plan\n    trialDaysRemaining\n    licensedSeats\n    seatOverage\n  }\n"): (typeof documents)["\n  fragment CustomerFields on CustomerAccount {\n    id\n    accountNumber\n    organizationName\n    adminEmail\n    monitoredUserCount\n    monitoredUserLimit\n    subscriptionState\n    plan\n    trialDaysRemaining\n    licensedSeats\n    seatOverage\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SupportRequestFields on SupportRequest {\n    id\n    kind\n    status\n    days\n    licensedSeats\n    createdAt\n    resolvedAt\n    resolution\n    customer {\n      id\n    }\n  }\n"): (typeof documents)["\n  fragment SupportRequestFields on SupportRequest {\n    id\n    kind\n    status\n    days\n    licensedSeats\n    createdAt\n    resolvedAt\n    resolution\n    customer {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Dashboard {\n    msp {\n      ...MspHeaderFields\n    }\n  }\n"): (typeof documents)["\n  query Dashboard {\n    msp {\n      ...MspHeaderFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ApiKeys($after: String) {\n    msp {\n      id\n      apiKeys(first: 50, after: $after) {\n        edges {\n          node {\n            id\n            prefix\n            role\n            revokedAt\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ApiKeys($after: String) {\n    msp {\n      id\n      apiKeys(first: 50, after: $after) {\n        edges {\n          node {\n            id\n            prefix\n            role\n            revokedAt\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Customers($state: SubscriptionState!, $search: String, $orderBy: CustomerOrder!, $first: Int!, $after: String) {\n    msp {\n      id\n      customers(state: $state, search: $search, orderBy: $orderBy, first: $first, after: $after) {\n        totalCount\n        monitoredUserTotal\n        edges {\n          cursor\n          node {\n            ...CustomerFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Customers($state: SubscriptionState!, $search: String, $orderBy: CustomerOrder!, $first: Int!, $after: String) {\n    msp {\n      id\n      customers(state: $state, search: $search, orderBy: $orderBy, first: $first, after: $after) {\n        totalCount\n        monitoredUserTotal\n        edges {\n          cursor\n          node {\n            ...CustomerFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SupportRequests {\n    msp {\n      id\n      supportRequests(first: 50) {\n        edges {\n          cursor\n          node {\n            ...SupportRequestFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query SupportRequests {\n    msp {\n      id\n      supportRequests(first: 50) {\n        edges {\n          cursor\n          node {\n            ...SupportRequestFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EmailAvailability($email: String!) {\n    checkAdminEmailAvailability(email: $email) {\n      available\n      reason\n    }\n  }\n"): (typeof documents)["\n  query EmailAvailability($email: String!) {\n    checkAdminEmailAvailability(email: $email) {\n      available\n      reason\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddCustomer($input: AddCustomerInput!) {\n    addCustomer(input: $input) {\n      customer {\n        ...CustomerFields\n        msp {\n          ...MspHeaderFields\n        }\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AddCustomer($input: AddCustomerInput!) {\n    addCustomer(input: $input) {\n      customer {\n        ...CustomerFields\n        msp {\n          ...MspHeaderFields\n        }\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AccessCustomer($input: AccessCustomerInput!) {\n    accessCustomer(input: $input) {\n      url\n      expiresAt\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AccessCustomer($input: AccessCustomerInput!) {\n    accessCustomer(input: $input) {\n      url\n      expiresAt\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RequestUpgrade($input: RequestUpgradeInput!) {\n    requestUpgrade(input: $input) {\n      supportRequest {\n        ...SupportRequestFields\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RequestUpgrade($input: RequestUpgradeInput!) {\n    requestUpgrade(input: $input) {\n      supportRequest {\n        ...SupportRequestFields\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RequestTrialExtension($input: RequestTrialExtensionInput!) {\n    requestTrialExtension(input: $input) {\n      supportRequest {\n        ...SupportRequestFields\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RequestTrialExtension($input: RequestTrialExtensionInput!) {\n    requestTrialExtension(input: $input) {\n      supportRequest {\n        ...SupportRequestFields\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RequestRemoval($input: RequestRemovalInput!) {\n    requestRemoval(input: $input) {\n      supportRequest {\n        ...SupportRequestFields\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RequestRemoval($input: RequestRemovalInput!) {\n    requestRemoval(input: $input) {\n      supportRequest {\n        ...SupportRequestFields\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;