import type { CommandCenterClient } from './client';
import type { AddCustomerInput, AddCustomerMutation, CustomersPageQuery, SubscriptionState, UserErrorCode } from './gql/graphql';
import { AddCustomer, CustomersPage } from './operations';

type Msp = NonNullable<CustomersPageQuery['msp']>;
export type Customer = Msp['customers']['edges'][number]['node'];

export interface CustomerExport {
  mspName: string;
  customers: Customer[];
  /** The dashboard figures, read with the first page. */
  totals: {
    customerCounts: Msp['customerCounts'];
    billableMonitoredUsers: number;
    activeTrialMonitoredUsers: number;
    expiredTrialMonitoredUsers: number;
    /** Over the whole (filtered) list, not one page. */
    totalCount: number;
    monitoredUserTotal: number;
  };
  pages: number;
}

/**
 * Every customer of the key's MSP, oldest first, page by page: each request asks for the page
 * after the last cursor until `pageInfo.hasNextPage` is false. Oldest first keeps the walk
 * stable while customers are added meanwhile (new ones land at the end).
 */
export async function listAllCustomers(client: CommandCenterClient, options: { pageSize?: number; state?: SubscriptionState } = {}): Promise<CustomerExport> {
  const customers: Customer[] = [];
  let after: string | null = null;
  let first: Msp | undefined;
  let pages = 0;
  for (;;) {
    const data: CustomersPageQuery = await client.request(CustomersPage, { first: options.pageSize ?? 100, after, state: options.state ?? null });
    if (!data.msp) throw new Error('this key is not an MSP key');
    first ??= data.msp;
    pages++;
    const page = data.msp.customers;
    for (const edge of page.edges) customers.push(edge.node);
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) break;
    after = page.pageInfo.endCursor;
  }
  return {
    mspName: first.name,
    customers,
    totals: {
      customerCounts: first.customerCounts,
      billableMonitoredUsers: first.billableMonitoredUsers,
      activeTrialMonitoredUsers: first.activeTrialMonitoredUsers,
      expiredTrialMonitoredUsers: first.expiredTrialMonitoredUsers,
      totalCount: first.customers.totalCount,
      monitoredUserTotal: first.customers.monitoredUserTotal,
    },
    pages,
  };
}

type AddedCustomer = NonNullable<AddCustomerMutation['addCustomer']['customer']>;

/** The outcome of adding a customer: the customer, or what to fix (nothing was written). */
export type AddCustomerResult =
  | { ok: true; customer: AddedCustomer }
  | { ok: false; errors: Array<{ field: string[] | null; message: string; code: UserErrorCode }> };

/**
 * Adds a customer. Pass an `idempotencyKey` (e.g. your own record's id) so a retry after a
 * network failure returns the first result instead of adding twice.
 */
export async function addCustomer(client: CommandCenterClient, input: AddCustomerInput): Promise<AddCustomerResult> {
  const { addCustomer: payload } = await client.request(AddCustomer, { input });
  if (payload.userErrors.length > 0 || !payload.customer) return { ok: false, errors: payload.userErrors };
  return { ok: true, customer: payload.customer };
}

/** A message for a person, per field: what a PSA sync would put in its error queue. */
export function describeUserErrors(errors: Array<{ field: string[] | null; message: string; code: UserErrorCode }>): string[] {
  return errors.map((error) => {
    const field = error.field?.filter((part) => part !== 'input').join('.') || 'input';
    switch (error.code) {
      case 'EMAIL_TAKEN':
        return `${field}: this email already has an account; use an alias you can receive mail at`;
      case 'ORGANIZATION_NAME_TAKEN':
        return `${field}: you already have a customer with this name`;
      default:
        return `${field}: ${error.message} (${error.code})`;
    }
  });
}
