import type { CustomerFieldsFragment, SupportRequestFieldsFragment, SupportRequestKind } from './gql/graphql';

export const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** What a card says about the subscription: days left, Freemium, or paid seats. */
export function subscriptionLine(customer: CustomerFieldsFragment): string {
  switch (customer.subscriptionState) {
    case 'ACTIVE_TRIAL':
      return `Trial: ${plural(customer.trialDaysRemaining ?? 0, 'day')} remaining`;
    case 'EXPIRED_TRIAL':
      return 'Expired: Freemium, up to 3 users';
    case 'PAID': {
      const seats = customer.licensedSeats == null ? 'Paid subscription' : `Paid: ${plural(customer.licensedSeats, 'licensed seat')}`;
      return customer.seatOverage ? `${seats} (${customer.seatOverage} over)` : seats;
    }
  }
}

export const KIND_LABEL: Record<SupportRequestKind, string> = {
  UPGRADE: 'Upgrade',
  TRIAL_EXTENSION: 'Extension',
  REMOVAL: 'Removal',
};

const STATUS_LABEL = { OPEN: 'requested, waiting for support', APPROVED: 'approved', REJECTED: 'rejected' } as const;

/** "Upgrade to 15 seats: requested, waiting for support", "Extension by 14 days: approved". */
export function requestLine(request: SupportRequestFieldsFragment): string {
  const what =
    request.kind === 'UPGRADE' && request.licensedSeats != null
      ? `Upgrade to ${plural(request.licensedSeats, 'seat')}`
      : request.kind === 'TRIAL_EXTENSION' && request.days != null
        ? `Extension by ${plural(request.days, 'day')}`
        : KIND_LABEL[request.kind];
  const resolution = request.resolution ? ` (“${request.resolution}”)` : '';
  return `${what}: ${STATUS_LABEL[request.status]}${resolution}`;
}
