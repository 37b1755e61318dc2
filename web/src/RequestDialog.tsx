import { FormEvent, useState } from 'react';
import { useMutation } from '@apollo/client/react';
import type { ApolloCache, Reference } from '@apollo/client';
import { RequestRemovalDocument, RequestTrialExtensionDocument, RequestUpgradeDocument } from './operations';
import { describeError, fieldErrors, FieldErrors } from './errors';
import { Modal } from './Modal';
import type { CustomerFieldsFragment, SupportRequestFieldsFragment, SupportRequestKind } from './gql/graphql';
import { FormFooter } from './FormFooter';

const TITLE: Record<SupportRequestKind, string> = {
  UPGRADE: 'Request upgrade',
  TRIAL_EXTENSION: 'Request extension',
  REMOVAL: 'Request removal',
};

const EXPLANATION: Record<SupportRequestKind, string> = {
  UPGRADE: 'Support will license the account and turn it into a paid subscription. Its monitored users then count toward your Active Users.',
  TRIAL_EXTENSION: 'Support will extend the trial; an expired trial becomes a fully functioning trial again.',
  REMOVAL: 'Support will remove this expired trial from your Command Center.',
};

/** Files the request at the top of the cached request list, so its status shows on the card at once. */
function remember(cache: ApolloCache, mspId: string, request: SupportRequestFieldsFragment): void {
  cache.modify<Record<string, unknown>>({
    id: cache.identify({ __typename: 'Msp', id: mspId }),
    fields: {
      supportRequests(existing, { storeFieldName, toReference, DELETE }) {
        if (storeFieldName.includes('"status"')) return DELETE;
        const list = existing as { edges: Array<{ cursor: string; node: Reference }>; totalCount?: number };
        const node = toReference({ __typename: 'SupportRequest', id: request.id });
        if (!node || list.edges.some((edge) => edge.node.__ref === node.__ref)) return existing;
        return { ...list, edges: [{ __typename: 'SupportRequestEdge', cursor: '', node }, ...list.edges] };
      },
    },
  });
}

export function RequestDialog({
  kind,
  customer,
  mspId,
  onClose,
  onFiled,
}: {
  kind: SupportRequestKind;
  customer: CustomerFieldsFragment;
  mspId: string;
  onClose: () => void;
  onFiled: (request: SupportRequestFieldsFragment) => void;
}) {
  const [seats, setSeats] = useState(String(Math.max(1, customer.monitoredUserCount)));
  const [days, setDays] = useState('14');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({ byField: {}, other: [] });
  const [upgrade, upgrading] = useMutation(RequestUpgradeDocument);
  const [extend, extending] = useMutation(RequestTrialExtensionDocument);
  const [remove, removing] = useMutation(RequestRemovalDocument);
  const busy = upgrading.loading || extending.loading || removing.loading;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setErrors({ byField: {}, other: [] });
    const base = { customerId: customer.id, note: note.trim() || null };
    const update = (cache: ApolloCache, request: SupportRequestFieldsFragment | null | undefined) => request && remember(cache, mspId, request);
    try {
      let payload: { supportRequest?: SupportRequestFieldsFragment | null; userErrors: Array<{ field: string[]; message: string }> } | undefined;
      if (kind === 'UPGRADE') {
        const { data } = await upgrade({
          variables: { input: { ...base, licensedSeats: Number.parseInt(seats, 10) || 0 } },
          update: (cache, { data: result }) => update(cache, result?.requestUpgrade.supportRequest),
        });
        payload = data?.requestUpgrade;
      } else if (kind === 'TRIAL_EXTENSION') {
        const { data } = await extend({
          variables: { input: { ...base, days: Number.parseInt(days, 10) || 0 } },
          update: (cache, { data: result }) => update(cache, result?.requestTrialExtension.supportRequest),
        });
        payload = data?.requestTrialExtension;
      } else {
        const { data } = await remove({
          variables: { input: base },
          update: (cache, { data: result }) => update(cache, result?.requestRemoval.supportRequest),
        });
        payload = data?.requestRemoval;
      }
      if (payload?.supportRequest) onFiled(payload.supportRequest);
      else if (payload) setErrors(fieldErrors(payload.userErrors, ['licensedSeats', 'days', 'note']));
    } catch (failure) {
      setErrors({ byField: {}, other: [describeError(failure)] });
    }
  }

  const fieldError = (name: string) =>
    errors.byField[name] && (
      <p id={`request-${name}-error`} className="error" role="alert">
        {errors.byField[name]}
      </p>
    );

  return (
    <Modal title={TITLE[kind]} onClose={onClose}>
      <form onSubmit={submit} noValidate className="stack">
        <p>
          <strong>{customer.organizationName}</strong>, account {customer.accountNumber}
        </p>
        <p className="help">{EXPLANATION[kind]} The request quotes the account number for you; its status shows on the customer&rsquo;s card.</p>
        {kind === 'UPGRADE' && (
          <div className="field">
            <label htmlFor="request-seats">Licensed seats</label>
            <input
              id="request-seats"
              type="number"
              inputMode="numeric"
              min={1}
              value={seats}
              onChange={(event) => setSeats(event.target.value)}
              aria-describedby="request-seats-help request-licensedSeats-error"
            />
            <p id="request-seats-help" className="help">
              Seats to license (the account monitors {customer.monitoredUserCount} now; fewer is allowed and shows as overage).
            </p>
            {fieldError('licensedSeats')}
          </div>
        )}
        {kind === 'TRIAL_EXTENSION' && (
          <div className="field">
            <label htmlFor="request-days">Days to add</label>
            <input
              id="request-days"
              type="number"
              inputMode="numeric"
              min={1}
              max={90}
              value={days}
              onChange={(event) => setDays(event.target.value)}
              aria-describedby="request-days-help request-days-error"
            />
            <p id="request-days-help" className="help">
              1 to 90 days, counted from the trial end or from approval, whichever is later.
            </p>
            {fieldError('days')}
          </div>
        )}
        <div className="field">
          <label htmlFor="request-note">Note to support (optional)</label>
          <textarea id="request-note" rows={3} maxLength={1000} value={note} onChange={(event) => setNote(event.target.value)} aria-describedby="request-note-error" />
          {fieldError('note')}
        </div>
        <FormFooter other={errors.other} onCancel={onClose} busy={busy} label="Send request" busyLabel="Sending…" />
      </form>
    </Modal>
  );
}
