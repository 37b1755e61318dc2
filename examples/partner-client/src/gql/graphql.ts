/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
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

/** Where a customer stands: the Command Center dashboard's three tabs. */
export type SubscriptionState =
  /** A fully functioning trial whose end has not come. */
  | 'ACTIVE_TRIAL'
  /** A trial that has ended; the account runs on the Freemium plan (at most 3 monitored users). */
  | 'EXPIRED_TRIAL'
  /** Activated with a paid subscription license. */
  | 'PAID';

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

export type CustomersPageQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
  state?: SubscriptionState | null | undefined;
}>;


export type CustomersPageQuery = { msp: { id: string, name: string, billableMonitoredUsers: number, activeTrialMonitoredUsers: number, expiredTrialMonitoredUsers: number, customerCounts: { paid: number, activeTrials: number, expiredTrials: number, total: number }, customers: { totalCount: number, monitoredUserTotal: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, accountNumber: string, organizationName: string, externalId: string | null, subscriptionState: SubscriptionState, trialEndsAt: string | null, monitoredUserCount: number, licensedSeats: number | null, seatOverage: number | null } }> } } | null };

export type AddCustomerMutationVariables = Exact<{
  input: AddCustomerInput;
}>;


export type AddCustomerMutation = { addCustomer: { customer: { id: string, accountNumber: string, organizationName: string, subscriptionState: SubscriptionState, trialEndsAt: string | null, msp: { id: string, activeTrialMonitoredUsers: number, customerCounts: { paid: number, activeTrials: number, expiredTrials: number, total: number } } } | null, userErrors: Array<{ field: Array<string>, message: string, code: UserErrorCode }> } };

export type DashboardHeaderQueryVariables = Exact<{ [key: string]: never; }>;


export type DashboardHeaderQuery = { msp: { id: string, billableMonitoredUsers: number, customerCounts: { paid: number, total: number } } | null };

export type DashboardTabsQueryVariables = Exact<{ [key: string]: never; }>;


export type DashboardTabsQuery = { msp: { id: string, customerCounts: { activeTrials: number, expiredTrials: number } } | null };


export const CustomersPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CustomersPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"state"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"SubscriptionState"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"msp"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"billableMonitoredUsers"}},{"kind":"Field","name":{"kind":"Name","value":"activeTrialMonitoredUsers"}},{"kind":"Field","name":{"kind":"Name","value":"expiredTrialMonitoredUsers"}},{"kind":"Field","name":{"kind":"Name","value":"customerCounts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"paid"}},{"kind":"Field","name":{"kind":"Name","value":"activeTrials"}},{"kind":"Field","name":{"kind":"Name","value":"expiredTrials"}},{"kind":"Field","name":{"kind":"Name","value":"total"}}]}},{"kind":"Field","name":{"kind":"Name","value":"customers"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"state"},"value":{"kind":"Variable","name":{"kind":"Name","value":"state"}}},{"kind":"Argument","name":{"kind":"Name","value":"orderBy"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"field"},"value":{"kind":"EnumValue","value":"CREATED_AT"}},{"kind":"ObjectField","name":{"kind":"Name","value":"direction"},"value":{"kind":"EnumValue","value":"ASC"}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"monitoredUserTotal"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"accountNumber"}},{"kind":"Field","name":{"kind":"Name","value":"organizationName"}},{"kind":"Field","name":{"kind":"Name","value":"externalId"}},{"kind":"Field","name":{"kind":"Name","value":"subscriptionState"}},{"kind":"Field","name":{"kind":"Name","value":"trialEndsAt"}},{"kind":"Field","name":{"kind":"Name","value":"monitoredUserCount"}},{"kind":"Field","name":{"kind":"Name","value":"licensedSeats"}},{"kind":"Field","name":{"kind":"Name","value":"seatOverage"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<CustomersPageQuery, CustomersPageQueryVariables>;
export const AddCustomerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AddCustomer"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"AddCustomerInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"addCustomer"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"accountNumber"}},{"kind":"Field","name":{"kind":"Name","value":"organizationName"}},{"kind":"Field","name":{"kind":"Name","value":"subscriptionState"}},{"kind":"Field","name":{"kind":"Name","value":"trialEndsAt"}},{"kind":"Field","name":{"kind":"Name","value":"msp"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"activeTrialMonitoredUsers"}},{"kind":"Field","name":{"kind":"Name","value":"customerCounts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"paid"}},{"kind":"Field","name":{"kind":"Name","value":"activeTrials"}},{"kind":"Field","name":{"kind":"Name","value":"expiredTrials"}},{"kind":"Field","name":{"kind":"Name","value":"total"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]}}]}}]} as unknown as DocumentNode<AddCustomerMutation, AddCustomerMutationVariables>;
export const DashboardHeaderDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DashboardHeader"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"msp"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"billableMonitoredUsers"}},{"kind":"Field","name":{"kind":"Name","value":"customerCounts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"paid"}},{"kind":"Field","name":{"kind":"Name","value":"total"}}]}}]}}]}}]} as unknown as DocumentNode<DashboardHeaderQuery, DashboardHeaderQueryVariables>;
export const DashboardTabsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DashboardTabs"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"msp"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"customerCounts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"activeTrials"}},{"kind":"Field","name":{"kind":"Name","value":"expiredTrials"}}]}}]}}]}}]} as unknown as DocumentNode<DashboardTabsQuery, DashboardTabsQueryVariables>;