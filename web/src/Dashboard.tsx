import { KeyboardEvent, useEffect, useMemo, useRef, useState } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { AccessCustomerDocument, CustomersDocument, DashboardDocument, SupportRequestsDocument } from './operations';
import { AddCustomerDialog } from './AddCustomerDialog';
import { RequestDialog } from './RequestDialog';
import { describeError } from './errors';
import { useDebounced, useKeyRole } from './hooks';
import { plural, requestLine, subscriptionLine } from './format';
import type { CustomerFieldsFragment, CustomerOrder, SubscriptionState, SupportRequestFieldsFragment, SupportRequestKind } from './gql/graphql';

const PAGE_SIZE = 20;

const TABS: Array<{ state: SubscriptionState; label: string; count: 'paid' | 'activeTrials' | 'expiredTrials' }> = [
  { state: 'PAID', label: 'Paid Subscriptions', count: 'paid' },
  { state: 'ACTIVE_TRIAL', label: 'Active Trials', count: 'activeTrials' },
  { state: 'EXPIRED_TRIAL', label: 'Expired Trials', count: 'expiredTrials' },
];

const SORTS: Record<string, { label: string; order: CustomerOrder }> = {
  newest: { label: 'Newest first', order: { field: 'CREATED_AT', direction: 'DESC' } },
  oldest: { label: 'Oldest first', order: { field: 'CREATED_AT', direction: 'ASC' } },
  nameAsc: { label: 'Name, A to Z', order: { field: 'ORGANIZATION_NAME', direction: 'ASC' } },
  nameDesc: { label: 'Name, Z to A', order: { field: 'ORGANIZATION_NAME', direction: 'DESC' } },
  usersDesc: { label: 'Most users', order: { field: 'USER_COUNT', direction: 'DESC' } },
  usersAsc: { label: 'Fewest users', order: { field: 'USER_COUNT', direction: 'ASC' } },
};

type View = 'cards' | 'list';

interface Actions {
  canWrite: boolean;
  requests: Map<string, SupportRequestFieldsFragment[]>;
  request: (kind: SupportRequestKind, customer: CustomerFieldsFragment) => void;
  open: (customer: CustomerFieldsFragment) => void;
  opening: string | null;
}

export function Dashboard({ apiKey, onSignOut }: { apiKey: string; onSignOut: () => void }) {
  const { data, error } = useQuery(DashboardDocument);
  const role = useKeyRole(apiKey);
  const requestsQuery = useQuery(SupportRequestsDocument);
  const [tab, setTab] = useState<SubscriptionState>('PAID');
  const [view, setView] = useState<View>('cards');
  const [searchText, setSearchText] = useState('');
  const search = useDebounced(searchText.trim(), 300);
  const [sort, setSort] = useState('newest');
  const [adding, setAdding] = useState(false);
  const [requesting, setRequesting] = useState<{ kind: SupportRequestKind; customer: CustomerFieldsFragment } | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const [opening, setOpening] = useState<string | null>(null);
  const [access] = useMutation(AccessCustomerDocument);
  const tabRefs = useRef<Array<HTMLButtonElement | null>>([]);

  useEffect(() => {
    if (!announcement) return;
    const timer = setTimeout(() => setAnnouncement(''), 8000);
    return () => clearTimeout(timer);
  }, [announcement]);

  const msp = data?.msp;
  const canWrite = role.status === 'known' && role.role === 'MSP_ADMIN';

  const requests = useMemo(() => {
    const byCustomer = new Map<string, SupportRequestFieldsFragment[]>();
    for (const edge of requestsQuery.data?.msp?.supportRequests.edges ?? []) {
      const customerId = edge.node.customer?.id;
      if (!customerId) continue;
      const list = byCustomer.get(customerId) ?? [];
      if (!list.some((r) => r.kind === edge.node.kind)) list.push(edge.node);
      byCustomer.set(customerId, list);
    }
    return byCustomer;
  }, [requestsQuery.data]);

  async function openAccount(customer: CustomerFieldsFragment) {
    // Opened now, while the click still counts as the user's, so no popup blocker stops it.
    const win = window.open('', '_blank');
    setOpening(customer.id);
    try {
      const { data: result } = await access({ variables: { input: { customerId: customer.id } } });
      const url = result?.accessCustomer.url;
      if (url) {
        if (win) {
          win.opener = null;
          win.location.href = url;
        } else window.open(url, '_blank', 'noopener');
        setAnnouncement(`Opened ${customer.organizationName} in a new tab (access for 15 minutes).`);
      } else {
        win?.close();
        setAnnouncement(result?.accessCustomer.userErrors.map((e) => e.message).join(' ') || 'The account could not be opened.');
      }
    } catch (failure) {
      win?.close();
      setAnnouncement(describeError(failure));
    } finally {
      setOpening(null);
    }
  }

  function onTabKey(event: KeyboardEvent, index: number) {
    const next = event.key === 'ArrowRight' ? index + 1 : event.key === 'ArrowLeft' ? index - 1 : event.key === 'Home' ? 0 : event.key === 'End' ? TABS.length - 1 : null;
    if (next === null) return;
    event.preventDefault();
    const target = (next + TABS.length) % TABS.length;
    setTab(TABS[target].state);
    tabRefs.current[target]?.focus();
  }

  if (!msp) {
    return (
      <main className="loading">
        {error ? (
          <>
            <p role="alert">{describeError(error)}</p>
            <button type="button" onClick={onSignOut}>
              Sign out
            </button>
          </>
        ) : (
          <p role="status">Loading your Command Center…</p>
        )}
      </main>
    );
  }

  const actions: Actions = { canWrite, requests, request: (kind, customer) => setRequesting({ kind, customer }), open: openAccount, opening };
  const activeTab = TABS.find((t) => t.state === tab) ?? TABS[0];

  return (
    <>
      <header className="topbar">
        <div className="brand">
          <span className="product">Command Center</span>
          <h1>{msp.name}</h1>
          <span className="muted">MSP account {msp.accountNumber}</span>
        </div>
        <div className="active-users" role="group" aria-labelledby="active-users-label">
          <span id="active-users-label" className="label">
            Active Users
          </span>
          <span className="value" data-testid="active-users" aria-describedby="active-users-note">
            {msp.billableMonitoredUsers.toLocaleString('en-US')}
          </span>
          <span id="active-users-note" className="note">
            Paid subscriptions only: the monitored users you are billed for. Trials are not counted.
          </span>
        </div>
        <div className="session">
          <span className="muted" data-testid="key-role">
            {role.status === 'loading'
              ? 'Checking key…'
              : role.status === 'unknown'
                ? 'Key role unknown: read only'
                : role.role === 'MSP_ADMIN'
                  ? 'MSP_ADMIN key'
                  : `${role.role} key: read only`}
          </span>
          <button type="button" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <main className="dashboard">
        <div className="dash-head">
          <h2>Dashboard</h2>
          {canWrite && (
            <button type="button" className="primary" onClick={() => setAdding(true)}>
              Add Customer
            </button>
          )}
        </div>
        <div role="tablist" aria-label="Customers by subscription" className="tabs">
          {TABS.map((t, index) => (
            <button
              key={t.state}
              ref={(el) => {
                tabRefs.current[index] = el;
              }}
              type="button"
              role="tab"
              id={`tab-${t.state}`}
              aria-selected={tab === t.state}
              aria-controls={`panel-${t.state}`}
              tabIndex={tab === t.state ? 0 : -1}
              onClick={() => setTab(t.state)}
              onKeyDown={(event) => onTabKey(event, index)}
            >
              {t.label} <span className="count">{msp.customerCounts[t.count].toLocaleString('en-US')}</span>
            </button>
          ))}
        </div>
        <div className="toolbar">
          <div className="field inline">
            <label htmlFor="search">Search customers</label>
            <input id="search" type="search" placeholder="Name, email or account number" value={searchText} onChange={(event) => setSearchText(event.target.value)} />
          </div>
          <div className="field inline">
            <label htmlFor="sort">Sort by</label>
            <select id="sort" value={sort} onChange={(event) => setSort(event.target.value)}>
              {Object.entries(SORTS).map(([value, option]) => (
                <option key={value} value={value}>
                  {option.label}
                </option>
              ))}
            </select>
          </div>
          <div className="view-toggle" role="group" aria-label="View">
            <button type="button" aria-pressed={view === 'cards'} onClick={() => setView('cards')}>
              Card view
            </button>
            <button type="button" aria-pressed={view === 'list'} onClick={() => setView('list')}>
              List view
            </button>
          </div>
        </div>
        <section role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} tabIndex={-1}>
          <CustomerList key={`${tab}|${search}|${sort}`} state={tab} label={activeTab.label} search={search} order={SORTS[sort].order} view={view} actions={actions} />
        </section>
        <p className="live" role="status" aria-live="polite">
          {announcement}
        </p>
      </main>
      {adding && (
        <AddCustomerDialog
          mspId={msp.id}
          onClose={() => setAdding(false)}
          onAdded={(customer) => {
            setAdding(false);
            setTab('ACTIVE_TRIAL');
            setAnnouncement(`Added ${customer.organizationName} (account ${customer.accountNumber}) as an active trial.`);
          }}
        />
      )}
      {requesting && (
        <RequestDialog
          kind={requesting.kind}
          customer={requesting.customer}
          mspId={msp.id}
          onClose={() => setRequesting(null)}
          onFiled={(request) => {
            setRequesting(null);
            setAnnouncement(`Request sent for ${requesting.customer.organizationName}: ${requestLine(request)}.`);
          }}
        />
      )}
    </>
  );
}

function CustomerList({ state, label, search, order, view, actions }: { state: SubscriptionState; label: string; search: string; order: CustomerOrder; view: View; actions: Actions }) {
  const { data, error, loading, fetchMore } = useQuery(CustomersDocument, {
    variables: { state, search: search || null, orderBy: order, first: PAGE_SIZE },
    notifyOnNetworkStatusChange: true,
  });
  const [loadingMore, setLoadingMore] = useState(false);
  const list = data?.msp?.customers;

  if (!list) {
    return error ? <p role="alert">{describeError(error)}</p> : <p role="status">Loading {label}…</p>;
  }
  const customers = list.edges.map((edge) => edge.node);
  const more = async () => {
    setLoadingMore(true);
    try {
      await fetchMore({ variables: { after: list.pageInfo.endCursor } });
    } finally {
      setLoadingMore(false);
    }
  };

  return (
    <>
      {customers.length === 0 ? (
        <p className="empty">{search ? `No customers in ${label} match “${search}”.` : `No customers in ${label} yet.`}</p>
      ) : view === 'cards' ? (
        <ul className="cards" aria-label={`${label} customers`}>
          {customers.map((customer) => (
            <li key={customer.id}>
              <CustomerCard customer={customer} actions={actions} />
            </li>
          ))}
        </ul>
      ) : (
        <CustomerTable customers={customers} label={label} total={list.monitoredUserTotal} count={list.totalCount} searched={Boolean(search)} actions={actions} />
      )}
      <div className="paging">
        <span className="muted" data-testid="showing">
          Showing {customers.length} of {plural(list.totalCount, 'customer')}
        </span>
        {list.pageInfo.hasNextPage && (
          <button type="button" onClick={more} disabled={loadingMore || loading}>
            {loadingMore ? 'Loading…' : 'Load more'}
          </button>
        )}
      </div>
      {error && <p role="alert">{describeError(error)}</p>}
    </>
  );
}

function RequestStatus({ customer, actions }: { customer: CustomerFieldsFragment; actions: Actions }) {
  const requests = actions.requests.get(customer.id) ?? [];
  if (requests.length === 0) return null;
  return (
    <ul className="requests" aria-label={`Support requests for ${customer.organizationName}`}>
      {requests.map((request) => (
        <li key={request.id} className={`status-${request.status.toLowerCase()}`}>
          {requestLine(request)}
        </li>
      ))}
    </ul>
  );
}

function CustomerActions({ customer, actions }: { customer: CustomerFieldsFragment; actions: Actions }) {
  if (!actions.canWrite) return null;
  const open = (kind: SupportRequestKind) => (actions.requests.get(customer.id) ?? []).some((r) => r.kind === kind && r.status === 'OPEN');
  const trial = customer.subscriptionState !== 'PAID';
  const describedBy = `name-${customer.id}`;
  return (
    <div className="card-actions">
      <button type="button" className="primary" aria-describedby={describedBy} disabled={actions.opening === customer.id} onClick={() => actions.open(customer)}>
        Open account
      </button>
      {trial && !open('UPGRADE') && (
        <button type="button" aria-describedby={describedBy} onClick={() => actions.request('UPGRADE', customer)}>
          Request upgrade
        </button>
      )}
      {trial && !open('TRIAL_EXTENSION') && (
        <button type="button" aria-describedby={describedBy} onClick={() => actions.request('TRIAL_EXTENSION', customer)}>
          Request extension
        </button>
      )}
      {customer.subscriptionState === 'EXPIRED_TRIAL' && !open('REMOVAL') && (
        <button type="button" aria-describedby={describedBy} onClick={() => actions.request('REMOVAL', customer)}>
          Request removal
        </button>
      )}
    </div>
  );
}

function CustomerCard({ customer, actions }: { customer: CustomerFieldsFragment; actions: Actions }) {
  return (
    <article className={`card state-${customer.subscriptionState.toLowerCase()}`} aria-labelledby={`name-${customer.id}`}>
      <h3 id={`name-${customer.id}`}>{customer.organizationName}</h3>
      <p className="account-number">Account #{customer.accountNumber}</p>
      <dl>
        <div>
          <dt>Monitored users</dt>
          <dd data-testid="monitored-users">
            {customer.monitoredUserCount}
            {customer.monitoredUserLimit != null && <span className="muted"> of {customer.monitoredUserLimit}</span>}
          </dd>
        </div>
      </dl>
      <p className="subscription">{subscriptionLine(customer)}</p>
      <RequestStatus customer={customer} actions={actions} />
      <CustomerActions customer={customer} actions={actions} />
    </article>
  );
}

function CustomerTable({
  customers,
  label,
  total,
  count,
  searched,
  actions,
}: {
  customers: CustomerFieldsFragment[];
  label: string;
  total: number;
  count: number;
  searched: boolean;
  actions: Actions;
}) {
  return (
    <div className="table-wrap">
      <table>
        <caption>{label}</caption>
        <thead>
          <tr>
            <th scope="col">Organization name</th>
            <th scope="col">Account number</th>
            <th scope="col" className="num">
              Monitored users
            </th>
            <th scope="col">Subscription</th>
            <th scope="col">Requests</th>
            {actions.canWrite && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {customers.map((customer) => (
            <tr key={customer.id}>
              <th scope="row" id={`name-${customer.id}`}>
                {customer.organizationName}
              </th>
              <td>{customer.accountNumber}</td>
              <td className="num" data-testid="row-monitored-users">
                {customer.monitoredUserCount}
              </td>
              <td>{subscriptionLine(customer)}</td>
              <td>
                <RequestStatus customer={customer} actions={actions} />
              </td>
              {actions.canWrite && (
                <td>
                  <CustomerActions customer={customer} actions={actions} />
                </td>
              )}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={2}>
              Total monitored users, all {plural(count, 'customer')}
              {searched ? ' matching' : ''} in {label}
            </th>
            <td className="num" data-testid="monitored-user-total">
              {total.toLocaleString('en-US')}
            </td>
            <td colSpan={actions.canWrite ? 3 : 2} />
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
