import { registerEnumType } from 'type-graphql';
import { ApiKeyRole } from '../entities/enums';
import { CustomerOrderField, OrderDirection } from '../services/customers/customer-list.service';
import { AuditAction } from '../services/audit.service';
import { UserErrorCode } from '../services/errors';
import { Plan, SubscriptionState } from '../services/subscription/subscription-rule';

export { ApiKeyRole, AuditAction, CustomerOrderField, OrderDirection, Plan, SubscriptionState, UserErrorCode };

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
    ALREADY_PAID: { description: 'The customer already has a paid subscription.' },
    NOT_PAID: { description: 'The operation needs a paid customer.' },
    NOT_A_TRIAL: { description: 'The operation needs a trial (active or expired); the customer is paid.' },
    NOT_EXPIRED: { description: 'The operation needs an expired trial.' },
    INVALID_SEATS: { description: 'Licensed seats must be a whole number from 1 to 1,000,000.' },
    INVALID_TRIAL_END: { description: 'The trial end is not a usable date.' },
    INVALID_DAYS: { description: 'A trial extension must be 1 to 90 days.' },
    INVALID_NOTE: { description: 'A note or reason must be at most 1,000 characters with no control characters.' },
    REASON_REQUIRED: { description: 'Removing a paid customer needs a reason.' },
    CUSTOMER_REMOVED: { description: 'The customer has been removed; restore it first.' },
    CUSTOMER_PURGED: { description: "The customer's personal data was purged; it cannot be restored." },
    NOT_REMOVED: { description: 'The operation needs a removed customer.' },
    NOT_STANDALONE: { description: 'The account is not a standalone (sign-up page) account.' },
    DUPLICATE_REQUEST: { description: 'An open request of the same kind already exists for this customer.' },
    REQUEST_NOT_OPEN: { description: 'The support request was already approved or rejected.' },
    EMAIL_LOCKED: { description: 'The admin email is verified and can no longer be corrected through the API.' },
    EMAIL_ALREADY_VERIFIED: { description: 'The admin email is already verified.' },
    INVALID_TOKEN: { description: 'The link is unknown, already used, or expired.' },
    INVALID_KEY_NAME: { description: 'A key name must be 1 to 100 characters with no control characters.' },
    INVALID_ROLE: { description: 'An MSP can create MSP_ADMIN and MSP_READ keys only.' },
    ALREADY_REVOKED: { description: 'The key is already revoked.' },
    NOTHING_TO_UPDATE: { description: 'The input changes nothing: pass at least one field to change.' },
    INVALID_URL: {
      description:
        'The webhook URL is not an absolute https:// URL of at most 2,000 characters without credentials, or its host does not resolve, or resolves to a private, loopback or link-local address.',
    },
    INVALID_EVENTS: { description: 'The list of webhook event types is empty or names WEBHOOK_TEST (every endpoint receives its test events).' },
    WEBHOOK_ENDPOINT_LIMIT: { description: 'The MSP already has the most webhook endpoints allowed (10); delete one first.' },
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

registerEnumType(AuditAction, {
  name: 'AuditAction',
  description: 'What an audit event records.',
  valuesConfig: {
    CUSTOMER_ADDED: { description: 'A customer was added.' },
    CUSTOMER_UPDATED: { description: "A customer's name, external id or admin email was changed." },
    MONITORED_USER_REGISTERED: { description: 'A monitored user was registered (or seen again).' },
    MONITORED_USER_REMOVED: { description: 'A monitored user was removed.' },
    CUSTOMER_UPGRADED: { description: 'A trial became a paid subscription.' },
    LICENSED_SEATS_SET: { description: "A paid customer's licensed seats were changed." },
    TRIAL_END_SET: { description: "A trial's end was extended or brought forward." },
    CUSTOMER_REMOVED: { description: 'A customer was removed (soft delete).' },
    CUSTOMER_RESTORED: { description: 'A removed customer was restored.' },
    CUSTOMER_PURGED: { description: "A removed customer's personal data was replaced with placeholders." },
    STANDALONE_ACCOUNT_LINKED: { description: 'A standalone account became a customer of an MSP.' },
    SUPPORT_REQUEST_FILED: { description: 'An MSP filed a support request.' },
    SUPPORT_REQUEST_APPROVED: { description: 'Staff approved a support request (and performed it).' },
    SUPPORT_REQUEST_REJECTED: { description: 'Staff rejected a support request.' },
    ACCESS_GRANTED: { description: 'An MSP admin was granted access to a customer account without its credentials.' },
    API_KEY_CREATED: { description: 'An API key was created.' },
    API_KEY_REVOKED: { description: 'An API key was revoked.' },
    VERIFICATION_EMAIL_SENT: { description: 'A verification email went to an admin email address.' },
    ADMIN_EMAIL_VERIFIED: { description: 'An admin followed the verification link.' },
    AUTHORIZATION_REFUSED: { description: "An authenticated caller tried something its key's role may not do." },
    WEBHOOK_ENDPOINT_CREATED: { description: 'A webhook endpoint was created.' },
    WEBHOOK_ENDPOINT_UPDATED: { description: "A webhook endpoint's URL or events were changed." },
    WEBHOOK_ENDPOINT_DELETED: { description: 'A webhook endpoint was deleted.' },
    WEBHOOK_SECRET_ROTATED: { description: "A webhook endpoint's signing secret was replaced (the old one signs for 24 more hours)." },
    WEBHOOK_TEST_SENT: { description: 'A test event was queued for a webhook endpoint.' },
    WEBHOOK_REDELIVERED: { description: 'A webhook delivery was queued again.' },
    USAGE_SNAPSHOT_RECORDED: { description: "Staff recorded today's usage snapshot on demand." },
  },
});
