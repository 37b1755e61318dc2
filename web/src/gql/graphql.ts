/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** The customer account to open without its credentials. */
export type AccessCustomerInput = {
  /** One of your current customers (`CustomerAccount.id`). */
  customerId: string | number;
};

/** A new customer account: it starts as an active trial linked to your MSP. */
export type AddCustomerInput = {
  /** The primary administrator's email: unique across all accounts (use an alias you can receive mail at, e.g. acme@your-msp.com). */
  adminEmail: string;
  /** Your own id for the customer (1 to 100 characters), unique among your customers. */
  externalId?: string | null | undefined;
  /** Makes retries safe: the same key with the same input within 24 hours returns the first result instead of adding again. */
  idempotencyKey?: string | null | undefined;
  /** The label you will see on the dashboard: 1 to 100 characters, unique among your customers. */
  organizationName: string;
};

/** What an API key may do. */
export type ApiKeyRole =
  /** The product's own app: verifies access tokens only. */
  | 'APP'
  /** Read and change its own MSP. */
  | 'MSP_ADMIN'
  /** Read its own MSP. */
  | 'MSP_READ'
  /** Vendor support: every MSP, and the support operations. */
  | 'STAFF';

/** How to sort a customer list. Both fields are required. */
export type CustomerOrder = {
  /** The direction to sort in. */
  direction: OrderDirection;
  /** The field to sort by. */
  field: CustomerOrderField;
};

/** What a customer list can be sorted by. */
export type CustomerOrderField =
  /** When the customer was added. */
  | 'CREATED_AT'
  /** The organization name, case-insensitively. */
  | 'ORGANIZATION_NAME'
  /** How many users the customer has registered. */
  | 'USER_COUNT';

/** Why an address cannot be a new admin email. */
export type EmailUnavailableReason =
  /** It is not a valid email address. */
  | 'INVALID'
  /** Another account already uses it. */
  | 'TAKEN';

/** Sort direction. */
export type OrderDirection =
  /** Ascending: A to Z, oldest first, fewest first. */
  | 'ASC'
  /** Descending: Z to A, newest first, most first. */
  | 'DESC';

/** The plan in effect for a customer account. */
export type Plan =
  /** What an expired trial drops to: at most 3 monitored users. */
  | 'FREEMIUM'
  /** A paid subscription: no monitored-user limit; billed by monitored users. */
  | 'PAID'
  /** A running trial: no monitored-user limit. */
  | 'TRIAL';

/** A request to support to remove one of your expired trials. */
export type RequestRemovalInput = {
  /** The customer account: an expired trial. */
  customerId: string | number;
  /** A note to support (at most 1,000 characters); it becomes the removal reason. */
  note?: string | null | undefined;
};

/** A request to support to extend one of your trials. */
export type RequestTrialExtensionInput = {
  /** The customer account: a trial, active or expired. */
  customerId: string | number;
  /** Days to add, 1 to 90, counted from the trial end or from approval, whichever is later. */
  days: number;
  /** A note to support (at most 1,000 characters). */
  note?: string | null | undefined;
};

/** A request to support to upgrade one of your trials to a paid subscription. */
export type RequestUpgradeInput = {
  /** The customer account: a trial, active or expired. */
  customerId: string | number;
  /** The seats to license: 1 or more (fewer than the users is allowed and shows as seat overage). */
  licensedSeats: number;
  /** A note to support (at most 1,000 characters). */
  note?: string | null | undefined;
};

/** Where a customer stands: the Command Center dashboard's three tabs. */
export type SubscriptionState =
  /** A fully functioning trial whose end has not come. */
  | 'ACTIVE_TRIAL'
  /** A trial that has ended; the account runs on the Freemium plan (at most 3 monitored users). */
  | 'EXPIRED_TRIAL'
  /** Activated with a paid subscription license. */
  | 'PAID';

/** What an MSP asks support to do for one of its customers. */
export type SupportRequestKind =
  /** Remove an expired trial from the Command Center. */
  | 'REMOVAL'
  /** Extend a trial (active or expired) by the requested days. */
  | 'TRIAL_EXTENSION'
  /** Upgrade a trial to a paid subscription with the requested seats. */
  | 'UPGRADE';

/** Where a support request stands. */
export type SupportRequestStatus =
  /** Approved by support, and performed. */
  | 'APPROVED'
  /** Waiting for support. */
  | 'OPEN'
  /** Rejected by support; nothing was performed. */
  | 'REJECTED';

/** Why a mutation refused its input. The payload of a refused mutation changed nothing. */
export type UserErrorCode =
  /** The customer already has a paid subscription. */
  | 'ALREADY_PAID'
  /** The key is already revoked. */
  | 'ALREADY_REVOKED'
  /** The customer's personal data was purged; it cannot be restored. */
  | 'CUSTOMER_PURGED'
  /** The customer has been removed; restore it first. */
  | 'CUSTOMER_REMOVED'
  /** An open request of the same kind already exists for this customer. */
  | 'DUPLICATE_REQUEST'
  /** The admin email is already verified. */
  | 'EMAIL_ALREADY_VERIFIED'
  /** The admin email is verified and can no longer be corrected through the API. */
  | 'EMAIL_LOCKED'
  /** Another account already uses this admin email address. */
  | 'EMAIL_TAKEN'
  /** The MSP already has a current customer with this external id. */
  | 'EXTERNAL_ID_TAKEN'
  /** The customer is on the Freemium plan and already monitors 3 users. */
  | 'FREEMIUM_LIMIT_REACHED'
  /** The idempotency key was used in the last 24 hours with different input. */
  | 'IDEMPOTENCY_KEY_REUSED'
  /** A trial extension must be 1 to 90 days. */
  | 'INVALID_DAYS'
  /** The display name is empty, longer than 200 characters, or has control characters. */
  | 'INVALID_DISPLAY_NAME'
  /** Not a valid email address of at most 254 characters. */
  | 'INVALID_EMAIL'
  /** The list of webhook event types is empty or names WEBHOOK_TEST (every endpoint receives its test events). */
  | 'INVALID_EVENTS'
  /** The external id is empty, longer than 100 characters, or has control characters. */
  | 'INVALID_EXTERNAL_ID'
  /** The idempotency key is empty, longer than 100 characters, or has control characters. */
  | 'INVALID_IDEMPOTENCY_KEY'
  /** The identity is empty, longer than 255 characters, or has control characters. */
  | 'INVALID_IDENTITY'
  /** A key name must be 1 to 100 characters with no control characters. */
  | 'INVALID_KEY_NAME'
  /** A note or reason must be at most 1,000 characters with no control characters. */
  | 'INVALID_NOTE'
  /** The organization name is empty, longer than 100 characters, or has control characters. */
  | 'INVALID_ORGANIZATION_NAME'
  /** An MSP can create MSP_ADMIN and MSP_READ keys only. */
  | 'INVALID_ROLE'
  /** Licensed seats must be a whole number from 1 to 1,000,000. */
  | 'INVALID_SEATS'
  /** The link is unknown, already used, or expired. */
  | 'INVALID_TOKEN'
  /** The trial end is not a usable date. */
  | 'INVALID_TRIAL_END'
  /** The webhook URL is not an absolute https:// URL of at most 2,000 characters without credentials, or its host does not resolve, or resolves to a private, loopback or link-local address. */
  | 'INVALID_URL'
  /** The input changes nothing: pass at least one field to change. */
  | 'NOTHING_TO_UPDATE'
  /** The operation needs a trial (active or expired); the customer is paid. */
  | 'NOT_A_TRIAL'
  /** The operation needs an expired trial. */
  | 'NOT_EXPIRED'
  /** No object with this id is visible to the caller. */
  | 'NOT_FOUND'
  /** The operation needs a paid customer. */
  | 'NOT_PAID'
  /** The operation needs a removed customer. */
  | 'NOT_REMOVED'
  /** The account is not a standalone (sign-up page) account. */
  | 'NOT_STANDALONE'
  /** The MSP already has a current customer with this name (compared case-insensitively). */
  | 'ORGANIZATION_NAME_TAKEN'
  /** Removing a paid customer needs a reason. */
  | 'REASON_REQUIRED'
  /** The support request was already approved or rejected. */
  | 'REQUEST_NOT_OPEN'
  /** The MSP already has the most webhook endpoints allowed (10); delete one first. */
  | 'WEBHOOK_ENDPOINT_LIMIT';

export type MspHeaderFieldsFragment = { id: string, name: string, accountNumber: string, billableMonitoredUsers: number, customerCounts: { paid: number, activeTrials: number, expiredTrials: number, total: number } };

export type CustomerFieldsFragment = { id: string, accountNumber: string, organizationName: string, adminEmail: string, monitoredUserCount: number, monitoredUserLimit: number | null, subscriptionState: SubscriptionState, plan: Plan, trialDaysRemaining: number | null, licensedSeats: number | null, seatOverage: number | null };

export type SupportRequestFieldsFragment = { id: string, kind: SupportRequestKind, status: SupportRequestStatus, days: number | null, licensedSeats: number | null, createdAt: string, resolvedAt: string | null, resolution: string | null, customer: { id: string } | null };

export type DashboardQueryVariables = Exact<{ [key: string]: never; }>;


export type DashboardQuery = { msp: { id: string, name: string, accountNumber: string, billableMonitoredUsers: number, customerCounts: { paid: number, activeTrials: number, expiredTrials: number, total: number } } | null };

export type ApiKeysQueryVariables = Exact<{
  after?: string | null | undefined;
}>;


export type ApiKeysQuery = { msp: { id: string, apiKeys: { edges: Array<{ node: { id: string, prefix: string, role: ApiKeyRole, revokedAt: string | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };

export type CustomersQueryVariables = Exact<{
  state: SubscriptionState;
  search?: string | null | undefined;
  orderBy: CustomerOrder;
  first: number;
  after?: string | null | undefined;
}>;


export type CustomersQuery = { msp: { id: string, customers: { totalCount: number, monitoredUserTotal: number, edges: Array<{ cursor: string, node: { id: string, accountNumber: string, organizationName: string, adminEmail: string, monitoredUserCount: number, monitoredUserLimit: number | null, subscriptionState: SubscriptionState, plan: Plan, trialDaysRemaining: number | null, licensedSeats: number | null, seatOverage: number | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };

export type SupportRequestsQueryVariables = Exact<{ [key: string]: never; }>;


export type SupportRequestsQuery = { msp: { id: string, supportRequests: { edges: Array<{ cursor: string, node: { id: string, kind: SupportRequestKind, status: SupportRequestStatus, days: number | null, licensedSeats: number | null, createdAt: string, resolvedAt: string | null, resolution: string | null, customer: { id: string } | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };

export type EmailAvailabilityQueryVariables = Exact<{
  email: string;
}>;


export type EmailAvailabilityQuery = { checkAdminEmailAvailability: { available: boolean, reason: EmailUnavailableReason | null } };

export type AddCustomerMutationVariables = Exact<{
  input: AddCustomerInput;
}>;


export type AddCustomerMutation = { addCustomer: { customer: { id: string, accountNumber: string, organizationName: string, adminEmail: string, monitoredUserCount: number, monitoredUserLimit: number | null, subscriptionState: SubscriptionState, plan: Plan, trialDaysRemaining: number | null, licensedSeats: number | null, seatOverage: number | null, msp: { id: string, name: string, accountNumber: string, billableMonitoredUsers: number, customerCounts: { paid: number, activeTrials: number, expiredTrials: number, total: number } } } | null, userErrors: Array<{ code: UserErrorCode, field: Array<string>, message: string }> } };

export type AccessCustomerMutationVariables = Exact<{
  input: AccessCustomerInput;
}>;


export type AccessCustomerMutation = { accessCustomer: { url: string | null, expiresAt: string | null, userErrors: Array<{ code: UserErrorCode, field: Array<string>, message: string }> } };

export type RequestUpgradeMutationVariables = Exact<{
  input: RequestUpgradeInput;
}>;


export type RequestUpgradeMutation = { requestUpgrade: { supportRequest: { id: string, kind: SupportRequestKind, status: SupportRequestStatus, days: number | null, licensedSeats: number | null, createdAt: string, resolvedAt: string | null, resolution: string | null, customer: { id: string } | null } | null, userErrors: Array<{ code: UserErrorCode, field: Array<string>, message: string }> } };

export type RequestTrialExtensionMutationVariables = Exact<{
  input: RequestTrialExtensionInput;
}>;


export type RequestTrialExtensionMutation = { requestTrialExtension: { supportRequest: { id: string, kind: SupportRequestKind, status: SupportRequestStatus, days: number | null, licensedSeats: number | null, createdAt: string, resolvedAt: string | null, resolution: string | null, customer: { id: string } | null } | null, userErrors: Array<{ code: UserErrorCode, field: Array<string>, message: string }> } };

export type RequestRemovalMutationVariables = Exact<{
  input: RequestRemovalInput;
}>;


export type RequestRemovalMutation = { requestRemoval: { supportRequest: { id: string, kind: SupportRequestKind, status: SupportRequestStatus, days: number | null, licensedSeats: number | null, createdAt: string, resolvedAt: string | null, resolution: string | null, customer: { id: string } | null } | null, userErrors: Array<{ code: UserErrorCode, field: Array<string>, message: string }> } };

export const MspHeaderFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MspHeaderFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Msp"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"accountNumber"}},{"kind":"Field","name":{"kind":"Name","value":"billableMonitoredUsers"}},{"kind":"Field","name":{"kind":"Name","value":"customerCounts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"paid"}},{"kind":"Field","name":{"kind":"Name","value":"activeTrials"}},{"kind":"Field","name":{"kind":"Name","value":"expiredTrials"}},{"kind":"Field","name":{"kind":"Name","value":"total"}}]}}]}}]} as unknown as DocumentNode<MspHeaderFieldsFragment, unknown>;
export const CustomerFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CustomerFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CustomerAccount"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"accountNumber"}},{"kind":"Field","name":{"kind":"Name","value":"organizationName"}},{"kind":"Field","name":{"kind":"Name","value":"adminEmail"}},{"kind":"Field","name":{"kind":"Name","value":"monitoredUserCount"}},{"kind":"Field","name":{"kind":"Name","value":"monitoredUserLimit"}},{"kind":"Field","name":{"kind":"Name","value":"subscriptionState"}},{"kind":"Field","name":{"kind":"Name","value":"plan"}},{"kind":"Field","name":{"kind":"Name","value":"trialDaysRemaining"}},{"kind":"Field","name":{"kind":"Name","value":"licensedSeats"}},{"kind":"Field","name":{"kind":"Name","value":"seatOverage"}}]}}]} as unknown as DocumentNode<CustomerFieldsFragment, unknown>;
export const SupportRequestFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SupportRequestFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SupportRequest"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"days"}},{"kind":"Field","name":{"kind":"Name","value":"licensedSeats"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"resolvedAt"}},{"kind":"Field","name":{"kind":"Name","value":"resolution"}},{"kind":"Field","name":{"kind":"Name","value":"customer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<SupportRequestFieldsFragment, unknown>;
export const DashboardDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Dashboard"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"msp"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MspHeaderFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MspHeaderFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Msp"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"accountNumber"}},{"kind":"Field","name":{"kind":"Name","value":"billableMonitoredUsers"}},{"kind":"Field","name":{"kind":"Name","value":"customerCounts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"paid"}},{"kind":"Field","name":{"kind":"Name","value":"activeTrials"}},{"kind":"Field","name":{"kind":"Name","value":"expiredTrials"}},{"kind":"Field","name":{"kind":"Name","value":"total"}}]}}]}}]} as unknown as DocumentNode<DashboardQuery, DashboardQueryVariables>;
export const ApiKeysDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ApiKeys"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"msp"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"apiKeys"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"prefix"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"revokedAt"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ApiKeysQuery, ApiKeysQueryVariables>;
export const CustomersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Customers"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"state"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SubscriptionState"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"search"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"orderBy"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CustomerOrder"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"msp"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"customers"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"state"},"value":{"kind":"Variable","name":{"kind":"Name","value":"state"}}},{"kind":"Argument","name":{"kind":"Name","value":"search"},"value":{"kind":"Variable","name":{"kind":"Name","value":"search"}}},{"kind":"Argument","name":{"kind":"Name","value":"orderBy"},"value":{"kind":"Variable","name":{"kind":"Name","value":"orderBy"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"monitoredUserTotal"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CustomerFields"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CustomerFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CustomerAccount"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"accountNumber"}},{"kind":"Field","name":{"kind":"Name","value":"organizationName"}},{"kind":"Field","name":{"kind":"Name","value":"adminEmail"}},{"kind":"Field","name":{"kind":"Name","value":"monitoredUserCount"}},{"kind":"Field","name":{"kind":"Name","value":"monitoredUserLimit"}},{"kind":"Field","name":{"kind":"Name","value":"subscriptionState"}},{"kind":"Field","name":{"kind":"Name","value":"plan"}},{"kind":"Field","name":{"kind":"Name","value":"trialDaysRemaining"}},{"kind":"Field","name":{"kind":"Name","value":"licensedSeats"}},{"kind":"Field","name":{"kind":"Name","value":"seatOverage"}}]}}]} as unknown as DocumentNode<CustomersQuery, CustomersQueryVariables>;
export const SupportRequestsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"SupportRequests"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"msp"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"supportRequests"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"SupportRequestFields"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SupportRequestFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SupportRequest"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"days"}},{"kind":"Field","name":{"kind":"Name","value":"licensedSeats"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"resolvedAt"}},{"kind":"Field","name":{"kind":"Name","value":"resolution"}},{"kind":"Field","name":{"kind":"Name","value":"customer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<SupportRequestsQuery, SupportRequestsQueryVariables>;
export const EmailAvailabilityDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"EmailAvailability"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"email"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"checkAdminEmailAvailability"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"email"},"value":{"kind":"Variable","name":{"kind":"Name","value":"email"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"available"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}}]}}]}}]} as unknown as DocumentNode<EmailAvailabilityQuery, EmailAvailabilityQueryVariables>;
export const AddCustomerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AddCustomer"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"AddCustomerInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"addCustomer"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CustomerFields"}},{"kind":"Field","name":{"kind":"Name","value":"msp"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MspHeaderFields"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CustomerFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CustomerAccount"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"accountNumber"}},{"kind":"Field","name":{"kind":"Name","value":"organizationName"}},{"kind":"Field","name":{"kind":"Name","value":"adminEmail"}},{"kind":"Field","name":{"kind":"Name","value":"monitoredUserCount"}},{"kind":"Field","name":{"kind":"Name","value":"monitoredUserLimit"}},{"kind":"Field","name":{"kind":"Name","value":"subscriptionState"}},{"kind":"Field","name":{"kind":"Name","value":"plan"}},{"kind":"Field","name":{"kind":"Name","value":"trialDaysRemaining"}},{"kind":"Field","name":{"kind":"Name","value":"licensedSeats"}},{"kind":"Field","name":{"kind":"Name","value":"seatOverage"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MspHeaderFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Msp"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"accountNumber"}},{"kind":"Field","name":{"kind":"Name","value":"billableMonitoredUsers"}},{"kind":"Field","name":{"kind":"Name","value":"customerCounts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"paid"}},{"kind":"Field","name":{"kind":"Name","value":"activeTrials"}},{"kind":"Field","name":{"kind":"Name","value":"expiredTrials"}},{"kind":"Field","name":{"kind":"Name","value":"total"}}]}}]}}]} as unknown as DocumentNode<AddCustomerMutation, AddCustomerMutationVariables>;
export const AccessCustomerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AccessCustomer"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"AccessCustomerInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accessCustomer"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<AccessCustomerMutation, AccessCustomerMutationVariables>;
export const RequestUpgradeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RequestUpgrade"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RequestUpgradeInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requestUpgrade"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"supportRequest"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"SupportRequestFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SupportRequestFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SupportRequest"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"days"}},{"kind":"Field","name":{"kind":"Name","value":"licensedSeats"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"resolvedAt"}},{"kind":"Field","name":{"kind":"Name","value":"resolution"}},{"kind":"Field","name":{"kind":"Name","value":"customer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<RequestUpgradeMutation, RequestUpgradeMutationVariables>;
export const RequestTrialExtensionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RequestTrialExtension"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RequestTrialExtensionInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requestTrialExtension"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"supportRequest"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"SupportRequestFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SupportRequestFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SupportRequest"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"days"}},{"kind":"Field","name":{"kind":"Name","value":"licensedSeats"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"resolvedAt"}},{"kind":"Field","name":{"kind":"Name","value":"resolution"}},{"kind":"Field","name":{"kind":"Name","value":"customer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<RequestTrialExtensionMutation, RequestTrialExtensionMutationVariables>;
export const RequestRemovalDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RequestRemoval"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RequestRemovalInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requestRemoval"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"supportRequest"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"SupportRequestFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SupportRequestFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SupportRequest"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"days"}},{"kind":"Field","name":{"kind":"Name","value":"licensedSeats"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"resolvedAt"}},{"kind":"Field","name":{"kind":"Name","value":"resolution"}},{"kind":"Field","name":{"kind":"Name","value":"customer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<RequestRemovalMutation, RequestRemovalMutationVariables>;