import type autocannon from 'autocannon';

type Request = autocannon.Request;

/** The dashboard query of issue 8, with the page's size, cursor and tab as variables. */
export const DASHBOARD = `query Dashboard($first: Int!, $after: String, $state: SubscriptionState) {
  msp {
    customerCounts { paid activeTrials expiredTrials }
    billableMonitoredUsers activeTrialMonitoredUsers expiredTrialMonitoredUsers
    customers(state: $state, first: $first, after: $after) {
      totalCount monitoredUserTotal pageInfo { endCursor hasNextPage }
      nodes { id accountNumber organizationName subscriptionState trialEndsAt monitoredUserCount }
    }
  }
}`;

export const SEARCH = `query Search($search: String!, $first: Int!) {
  msp {
    customers(search: $search, first: $first) {
      totalCount monitoredUserTotal pageInfo { endCursor hasNextPage }
      nodes { id accountNumber organizationName subscriptionState trialEndsAt monitoredUserCount }
    }
  }
}`;

export const ADD_CUSTOMER = `mutation AddCustomer($input: AddCustomerInput!) {
  addCustomer(input: $input) {
    customer { id accountNumber organizationName subscriptionState trialEndsAt }
    userErrors { field message code }
  }
}`;

export const REGISTER_USER = `mutation RegisterUser($input: RegisterMonitoredUserInput!) {
  registerMonitoredUser(input: $input) {
    monitoredUser { id identity lastSeenAt }
    userErrors { field message code }
  }
}`;

export type Target = 'project' | 'baseline';
export type KeyName = 'large' | 'small' | 'writer';

export interface Scenario {
  id: string;
  label: string;
  key: KeyName;
  /** Run against the hand-written baseline as well (alternating, same repetitions). */
  baseline: boolean;
  /** The scenarios whose figures count as "the dashboard" for the targets. */
  dashboard?: { msp: 'large' | 'small'; first: number };
  /** autocannon request definitions; `target` keeps the generated values of the two apart. */
  requests(target: Target): Request[];
}

export function jsonBody(operationName: string, query: string, variables: Record<string, unknown>): string {
  return JSON.stringify({ operationName, query, variables });
}

function fixed(body: string): (target: Target) => Request[] {
  return () => [{ method: 'POST', path: '/graphql', body }];
}

/** A mutation whose body changes per request; counts answers that are not a clean success. */
function varying(make: (target: Target, n: number) => string, failures: { count: number; sample?: string }): (target: Target) => Request[] {
  let n = 0; // shared by every run of the scenario, so no two requests repeat a value
  return (target) => {
    return [
      {
        method: 'POST',
        path: '/graphql',
        setupRequest: (request) => ({ ...request, body: make(target, (n += 1)) }),
        onResponse: (status, body) => {
          if (status !== 200 || !body.includes('"userErrors":[]')) {
            failures.count += 1;
            failures.sample ??= body.slice(0, 300);
          }
        },
      },
    ];
  };
}

export interface ScenarioInputs {
  runId: string;
  deepCursor: string;
  deepRows: number;
  searchTerm: string;
  /** Global ids of customers the registerMonitoredUser scenario registers users with. */
  registerCustomers: () => string[];
  failures: { count: number; sample?: string };
}

export function scenarios(inputs: ScenarioInputs): Scenario[] {
  const list: Scenario[] = [];
  for (const msp of ['large', 'small'] as const) {
    for (const first of [10, 50, 100]) {
      list.push({
        id: `dashboard-${msp}-${first}`,
        label: `dashboard, ${msp} MSP, first: ${first}`,
        key: msp,
        baseline: true,
        dashboard: { msp, first },
        requests: fixed(jsonBody('Dashboard', DASHBOARD, { first, state: 'ACTIVE_TRIAL' })),
      });
    }
  }
  list.push({
    id: 'deep-page',
    label: `deep page, large MSP, all customers, first: 50 after row ${inputs.deepRows}`,
    key: 'large',
    baseline: true,
    requests: fixed(jsonBody('Dashboard', DASHBOARD, { first: 50, after: inputs.deepCursor, state: null })),
  });
  list.push({
    id: 'search',
    label: `search "${inputs.searchTerm}", large MSP, first: 50`,
    key: 'large',
    baseline: false,
    requests: fixed(jsonBody('Search', SEARCH, { search: inputs.searchTerm, first: 50 })),
  });
  list.push({
    id: 'add-customer',
    label: 'addCustomer (distinct emails), a 100-customer MSP',
    key: 'writer',
    baseline: true,
    requests: varying(
      (target, n) =>
        jsonBody('AddCustomer', ADD_CUSTOMER, {
          input: { adminEmail: `w${n}-${target}-${inputs.runId}@writes.bench.example`, organizationName: `Write ${target} ${inputs.runId} ${n}` },
        }),
      inputs.failures,
    ),
  });
  list.push({
    id: 'register-user',
    label: 'registerMonitoredUser (new identities), 32 fresh customers',
    key: 'writer',
    baseline: false,
    requests: varying((target, n) => {
      const customers = inputs.registerCustomers();
      return jsonBody('RegisterUser', REGISTER_USER, {
        input: { customerId: customers[n % customers.length], identity: `r${n}-${target}-${inputs.runId}`, displayName: `Bench ${n}` },
      });
    }, inputs.failures),
  });
  return list;
}
