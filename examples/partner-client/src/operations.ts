import { graphql } from './gql';

/**
 * The operations this integration sends. Each is written once here; the code generator turns it
 * into a typed document, so a field the API renames or removes fails the type check.
 *
 * Paging selects `edges { cursor node }`: cursors come with each node, and it is the shape
 * Apollo Client's `relayStylePagination` merges (see docs/apollo-and-relay.md).
 */
export const CustomersPage = graphql(`
  query CustomersPage($first: Int!, $after: String, $state: SubscriptionState) {
    msp {
      id
      name
      billableMonitoredUsers
      activeTrialMonitoredUsers
      expiredTrialMonitoredUsers
      customerCounts { paid activeTrials expiredTrials total }
      customers(first: $first, after: $after, state: $state, orderBy: { field: CREATED_AT, direction: ASC }) {
        totalCount
        monitoredUserTotal
        pageInfo { hasNextPage endCursor }
        edges {
          cursor
          node {
            id
            accountNumber
            organizationName
            externalId
            subscriptionState
            trialEndsAt
            monitoredUserCount
            licensedSeats
            seatOverage
          }
        }
      }
    }
  }
`);

/**
 * Adds a customer. The payload selects the customer's MSP with its counts and totals, so a
 * normalized cache (Apollo, Relay) updates the dashboard figures from this one response.
 */
export const AddCustomer = graphql(`
  mutation AddCustomer($input: AddCustomerInput!) {
    addCustomer(input: $input) {
      customer {
        id
        accountNumber
        organizationName
        subscriptionState
        trialEndsAt
        msp {
          id
          activeTrialMonitoredUsers
          customerCounts { paid activeTrials expiredTrials total }
        }
      }
      userErrors { field message code }
    }
  }
`);

/** The dashboard header: two queries that each select part of `customerCounts`. */
export const DashboardHeader = graphql(`
  query DashboardHeader {
    msp { id billableMonitoredUsers customerCounts { paid total } }
  }
`);

export const DashboardTabs = graphql(`
  query DashboardTabs {
    msp { id customerCounts { activeTrials expiredTrials } }
  }
`);
