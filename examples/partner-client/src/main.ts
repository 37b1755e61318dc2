import { CommandCenterClient } from './client';
import { addCustomer, describeUserErrors, listAllCustomers } from './customers';

/**
 * A PSA sync in miniature: prints every customer with the dashboard totals, and adds one when
 * ADD_EMAIL and ADD_NAME are set.
 *
 *   API_URL=http://localhost:4000/graphql API_KEY=$(cat ../../data/demo-key) npx ts-node src/main.ts
 */
export async function main(env: Record<string, string | undefined> = process.env, out: (line: string) => void = console.log): Promise<number> {
  if (!env.API_KEY) {
    out('Set API_KEY (and API_URL, default http://localhost:4000/graphql).');
    return 2;
  }
  const client = new CommandCenterClient({ url: env.API_URL ?? 'http://localhost:4000/graphql', apiKey: env.API_KEY });

  if (env.ADD_EMAIL && env.ADD_NAME) {
    const added = await addCustomer(client, { adminEmail: env.ADD_EMAIL, organizationName: env.ADD_NAME, idempotencyKey: env.ADD_IDEMPOTENCY_KEY });
    if (!added.ok) {
      for (const line of describeUserErrors(added.errors)) out(`not added: ${line}`);
      return 1;
    }
    out(`added ${added.customer.organizationName} (${added.customer.accountNumber}), ${added.customer.subscriptionState} until ${added.customer.trialEndsAt}`);
  }

  const { mspName, customers, totals, pages } = await listAllCustomers(client, { pageSize: Number(env.PAGE_SIZE ?? 50) });
  out(`${mspName}: ${totals.totalCount} customers in ${pages} page(s)`);
  const counts = totals.customerCounts;
  out(`paid ${counts.paid}, active trials ${counts.activeTrials}, expired trials ${counts.expiredTrials}; billable monitored users ${totals.billableMonitoredUsers}`);
  for (const customer of customers) {
    out(`${customer.accountNumber}  ${customer.subscriptionState.padEnd(13)}  ${String(customer.monitoredUserCount).padStart(4)} users  ${customer.organizationName}`);
  }
  return 0;
}

if (require.main === module) {
  main().then((code) => process.exit(code), (error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
