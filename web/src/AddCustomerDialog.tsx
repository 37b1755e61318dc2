import { FormEvent, useState } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import type { ApolloCache, Reference } from '@apollo/client';
import { AddCustomerDocument, EmailAvailabilityDocument } from './operations';
import { describeError, fieldErrors, FieldErrors } from './errors';
import { useDebounced } from './hooks';
import { Modal } from './Modal';
import type { AddCustomerMutation, CustomerOrder } from './gql/graphql';
import { FormFooter } from './FormFooter';

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

type Added = NonNullable<AddCustomerMutation['addCustomer']['customer']>;

/** The arguments a cached `customers` list was stored under (its keyArgs), or null. */
function listArgs(storeFieldName: string): { state?: string; search?: string | null; orderBy?: CustomerOrder } | null {
  const at = storeFieldName.indexOf(':');
  if (at < 0) return {};
  try {
    return JSON.parse(storeFieldName.slice(at + 1));
  } catch {
    return null;
  }
}

interface CachedList {
  edges: Array<{ cursor: string; node: Reference }>;
  totalCount?: number;
  monitoredUserTotal?: number;
}

/**
 * Puts the new customer at the top of the cached Active Trials list (newest first, unsearched)
 * so it shows at once; lists in another order or with a search are dropped and load again
 * when shown. The tab counts need nothing here: the payload carries the MSP's new counts.
 */
export function addToActiveTrials(cache: ApolloCache, mspId: string, customer: Added): void {
  cache.modify<Record<string, unknown>>({
    id: cache.identify({ __typename: 'Msp', id: mspId }),
    fields: {
      customers(existing, { storeFieldName, toReference, DELETE }) {
        const args = listArgs(storeFieldName);
        if (!args) return DELETE;
        if (args.state && args.state !== 'ACTIVE_TRIAL') return existing;
        const newestFirst = !args.orderBy || (args.orderBy.field === 'CREATED_AT' && args.orderBy.direction === 'DESC');
        if (args.search?.trim() || !newestFirst || !args.state) return DELETE;
        const list = existing as CachedList;
        const node = toReference({ __typename: 'CustomerAccount', id: customer.id });
        if (!node || list.edges.some((edge) => edge.node.__ref === node.__ref)) return existing;
        return {
          ...list,
          totalCount: (list.totalCount ?? 0) + 1,
          monitoredUserTotal: (list.monitoredUserTotal ?? 0) + customer.monitoredUserCount,
          edges: [{ __typename: 'CustomerAccountEdge', cursor: '', node }, ...list.edges],
        };
      },
    },
  });
}

const NO_ERRORS: FieldErrors = { byField: {}, other: [] };

export function AddCustomerDialog({ mspId, onClose, onAdded }: { mspId: string; onClose: () => void; onAdded: (customer: Added) => void }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const [addCustomer, { loading }] = useMutation(AddCustomerDocument);

  const checked = useDebounced(email.trim(), 400);
  const checkable = EMAIL_SHAPE.test(checked);
  const availability = useQuery(EmailAvailabilityDocument, {
    variables: { email: checked },
    skip: !checkable,
    fetchPolicy: 'network-only',
  });
  const current = checkable && checked === email.trim() ? availability.data?.checkAdminEmailAvailability : undefined;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setErrors(NO_ERRORS);
    try {
      const { data } = await addCustomer({
        variables: { input: { adminEmail: email.trim(), organizationName: name.trim() } },
        update(cache, { data: result }) {
          const customer = result?.addCustomer.customer;
          if (customer) addToActiveTrials(cache, mspId, customer);
        },
      });
      const payload = data?.addCustomer;
      if (payload?.customer) onAdded(payload.customer);
      else if (payload) setErrors(fieldErrors(payload.userErrors, ['adminEmail', 'organizationName']));
    } catch (failure) {
      setErrors({ byField: {}, other: [describeError(failure)] });
    }
  }

  const emailError = errors.byField.adminEmail;
  const nameError = errors.byField.organizationName;
  return (
    <Modal title="Add Customer" onClose={onClose}>
      <form onSubmit={submit} noValidate className="stack">
        <p className="help">The new account starts as an active trial, linked to your Command Center, and shows under Active Trials at once.</p>
        <div className="field">
          <label htmlFor="add-email">Email address</label>
          <input
            id="add-email"
            type="email"
            autoComplete="off"
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            aria-invalid={emailError || current?.available === false ? true : undefined}
            aria-describedby="add-email-help add-email-status add-email-error"
          />
          <p id="add-email-help" className="help">
            Must be unique across all accounts: use an address or alias you can receive mail at, for example <em>acme@your-msp.com</em> for a customer
            called Acme. It becomes the email of the account&rsquo;s primary administrator, who gets a verification email there.
          </p>
          <p id="add-email-status" className="availability" aria-live="polite">
            {current?.available === true && <span className="ok">✓ Available</span>}
            {current?.available === false && !emailError && (
              <span className="warn">{current.reason === 'TAKEN' ? 'Already used by another account' : 'Not a valid email address'}</span>
            )}
          </p>
          {emailError && (
            <p id="add-email-error" className="error" role="alert">
              {emailError}
            </p>
          )}
        </div>
        <div className="field">
          <label htmlFor="add-name">Organization name</label>
          <input
            id="add-name"
            type="text"
            autoComplete="organization"
            required
            maxLength={100}
            value={name}
            onChange={(event) => setName(event.target.value)}
            aria-invalid={nameError ? true : undefined}
            aria-describedby="add-name-help add-name-error"
          />
          <p id="add-name-help" className="help">
            How your dashboard will show this customer: the identifier that best tells your team who the customer is, such as the company name (unique
            among your customers).
          </p>
          {nameError && (
            <p id="add-name-error" className="error" role="alert">
              {nameError}
            </p>
          )}
        </div>
        <FormFooter other={errors.other} onCancel={onClose} busy={loading} label="Create trial account" busyLabel="Creating…" />
      </form>
    </Modal>
  );
}
