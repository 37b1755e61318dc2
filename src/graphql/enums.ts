import { registerEnumType } from 'type-graphql';
import { ApiKeyRole } from '../entities/enums';
import { CustomerOrderField, OrderDirection } from '../services/customer.service';
import { UserErrorCode } from '../services/errors';
import { Plan, SubscriptionState } from '../services/subscription';

export { ApiKeyRole, CustomerOrderField, OrderDirection, Plan, SubscriptionState, UserErrorCode };

export enum EmailUnavailableReason {
  INVALID = 'INVALID',
  TAKEN = 'TAKEN',
}

registerEnumType(SubscriptionState, {
  name: 'SubscriptionState',
  description: "Where a customer stands: the Command Center dashboard's three tabs.",
  valuesConfig: {
    PAID: { description: 'Activated with a paid subscription license.' },
    ACTIVE_TRIAL: { description: 'A fully functioning trial whose end has not come.' },
    EXPIRED_TRIAL: { description: 'A trial that has ended; the account runs on the Freemium plan (at most 3 monitored users).' },
  },
});

registerEnumType(Plan, {
  name: 'Plan',
  description: 'The plan in effect for a customer account.',
  valuesConfig: {
    PAID: { description: 'A paid subscription: no monitored-user limit; billed by monitored users.' },
    TRIAL: { description: 'A running trial: no monitored-user limit.' },
    FREEMIUM: { description: 'What an expired trial drops to: at most 3 monitored users.' },
  },
});

registerEnumType(CustomerOrderField, {
  name: 'CustomerOrderField',
  description: 'What a customer list can be sorted by.',
  valuesConfig: {
    ORGANIZATION_NAME: { description: 'The organization name, case-insensitively.' },
    CREATED_AT: { description: 'When the customer was added.' },
    USER_COUNT: { description: 'How many users the customer has registered.' },
  },
});

registerEnumType(OrderDirection, {
  name: 'OrderDirection',
  description: 'Sort direction.',
  valuesConfig: {
    ASC: { description: 'Ascending: A to Z, oldest first, fewest first.' },
    DESC: { description: 'Descending: Z to A, newest first, most first.' },
  },
});

registerEnumType(UserErrorCode, {
  name: 'UserErrorCode',
  description: 'Why a mutation refused its input. The payload of a refused mutation changed nothing.',
  valuesConfig: {
    NOT_FOUND: { description: 'No object with this id is visible to the caller.' },
    INVALID_EMAIL: { description: 'Not a valid email address of at most 254 characters.' },
    EMAIL_TAKEN: { description: 'Another account already uses this admin email address.' },
    INVALID_ORGANIZATION_NAME: { description: 'The organization name is empty, longer than 100 characters, or has control characters.' },
    ORGANIZATION_NAME_TAKEN: { description: 'The MSP already has a current customer with this name (compared case-insensitively).' },
    INVALID_EXTERNAL_ID: { description: 'The external id is empty, longer than 100 characters, or has control characters.' },
    EXTERNAL_ID_TAKEN: { description: 'The MSP already has a current customer with this external id.' },
    INVALID_IDEMPOTENCY_KEY: { description: 'The idempotency key is empty, longer than 100 characters, or has control characters.' },
    IDEMPOTENCY_KEY_REUSED: { description: 'The idempotency key was used in the last 24 hours with different input.' },
    INVALID_IDENTITY: { description: 'The identity is empty, longer than 255 characters, or has control characters.' },
    INVALID_DISPLAY_NAME: { description: 'The display name is empty, longer than 200 characters, or has control characters.' },
    FREEMIUM_LIMIT_REACHED: { description: 'The customer is on the Freemium plan and already monitors 3 users.' },
  },
});

registerEnumType(EmailUnavailableReason, {
  name: 'EmailUnavailableReason',
  description: 'Why an address cannot be a new admin email.',
  valuesConfig: {
    INVALID: { description: 'It is not a valid email address.' },
    TAKEN: { description: 'Another account already uses it.' },
  },
});

registerEnumType(ApiKeyRole, {
  name: 'ApiKeyRole',
  description: 'What an API key may do.',
  valuesConfig: {
    MSP_ADMIN: { description: 'Read and change its own MSP.' },
    MSP_READ: { description: 'Read its own MSP.' },
    STAFF: { description: 'Vendor support: every MSP, and the support operations.' },
    APP: { description: "The product's own app: verifies access tokens only." },
  },
});
