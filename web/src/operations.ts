import { graphql } from './gql';

/** The header: the MSP, its tab counts and its billable "Active Users". */
export const MspHeaderFields = graphql(`
  fragment MspHeaderFields on Msp {
    id
    name
    accountNumber
    billableMonitoredUsers
    customerCounts {
      paid
      activeTrials
      expiredTrials
      total
    }
  }
`);

/** What a card and a table row show. */
export const CustomerFields = graphql(`
  fragment CustomerFields on CustomerAccount {
    id
    accountNumber
    organizationName
    adminEmail
    monitoredUserCount
    monitoredUserLimit
    subscriptionState
    plan
    trialDaysRemaining
    licensedSeats
    seatOverage
  }
`);

export const SupportRequestFields = graphql(`
  fragment SupportRequestFields on SupportRequest {
    id
    kind
    status
    days
    licensedSeats
    createdAt
    resolvedAt
    resolution
    customer {
      id
    }
  }
`);

export const DashboardDocument = graphql(`
  query Dashboard {
    msp {
      ...MspHeaderFields
    }
  }
`);

/** The MSP's keys, to find the signed-in key's role by its public prefix. */
export const ApiKeysDocument = graphql(`
  query ApiKeys($after: String) {
    msp {
      id
      apiKeys(first: 50, after: $after) {
        edges {
          node {
            id
            prefix
            role
            revokedAt
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

export const CustomersDocument = graphql(`
  query Customers($state: SubscriptionState!, $search: String, $orderBy: CustomerOrder!, $first: Int!, $after: String) {
    msp {
      id
      customers(state: $state, search: $search, orderBy: $orderBy, first: $first, after: $after) {
        totalCount
        monitoredUserTotal
        edges {
          cursor
          node {
            ...CustomerFields
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

/** Recent support requests (newest first), for the status on each card. */
export const SupportRequestsDocument = graphql(`
  query SupportRequests {
    msp {
      id
      supportRequests(first: 50) {
        edges {
          cursor
          node {
            ...SupportRequestFields
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

export const EmailAvailabilityDocument = graphql(`
  query EmailAvailability($email: String!) {
    checkAdminEmailAvailability(email: $email) {
      available
      reason
    }
  }
`);

/** The payload selects the customer's MSP header too, so the tab counts refresh from this one response. */
export const AddCustomerDocument = graphql(`
  mutation AddCustomer($input: AddCustomerInput!) {
    addCustomer(input: $input) {
      customer {
        ...CustomerFields
        msp {
          ...MspHeaderFields
        }
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

export const AccessCustomerDocument = graphql(`
  mutation AccessCustomer($input: AccessCustomerInput!) {
    accessCustomer(input: $input) {
      url
      expiresAt
      userErrors {
        code
        field
        message
      }
    }
  }
`);

export const RequestUpgradeDocument = graphql(`
  mutation RequestUpgrade($input: RequestUpgradeInput!) {
    requestUpgrade(input: $input) {
      supportRequest {
        ...SupportRequestFields
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

export const RequestTrialExtensionDocument = graphql(`
  mutation RequestTrialExtension($input: RequestTrialExtensionInput!) {
    requestTrialExtension(input: $input) {
      supportRequest {
        ...SupportRequestFields
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

export const RequestRemovalDocument = graphql(`
  mutation RequestRemoval($input: RequestRemovalInput!) {
    requestRemoval(input: $input) {
      supportRequest {
        ...SupportRequestFields
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);
