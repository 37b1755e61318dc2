import { UserError, UserErrorCode, userError } from './errors';

/**
 * The user errors several services return, each written once so that its field, code and
 * message cannot drift between them. Errors only one service returns stay with it.
 */

/** The customer named by a global id is not one the caller may act on (missing, another MSP's, removed). */
export const customerNotFound = (field = 'customerId'): UserError => userError(field, UserErrorCode.NOT_FOUND, 'No customer with this id.');

export const customerRemoved = (): UserError =>
  userError('customerId', UserErrorCode.CUSTOMER_REMOVED, 'This customer has been removed; restore it first.');

export const alreadyPaid = (): UserError => userError('customerId', UserErrorCode.ALREADY_PAID, 'This customer already has a paid subscription.');

export const notATrial = (): UserError => userError('customerId', UserErrorCode.NOT_A_TRIAL, 'This customer has a paid subscription, not a trial.');

export const emailTakenError = (): UserError =>
  userError('adminEmail', UserErrorCode.EMAIL_TAKEN, 'This email address is already used by another account. Use a unique address or alias.');

export const nameTakenError = (): UserError =>
  userError('organizationName', UserErrorCode.ORGANIZATION_NAME_TAKEN, 'You already have a customer with this organization name.');

export const externalIdTakenError = (): UserError =>
  userError('externalId', UserErrorCode.EXTERNAL_ID_TAKEN, 'You already have a customer with this external id.');

/** A staff operation would give the customer a name another current customer of its MSP has. */
export const nameTakenInMsp = (field: string): UserError =>
  userError(field, UserErrorCode.ORGANIZATION_NAME_TAKEN, 'Another current customer of this MSP has this organization name.');

export const externalIdTakenInMsp = (field: string): UserError =>
  userError(field, UserErrorCode.EXTERNAL_ID_TAKEN, 'Another current customer of this MSP has this external id.');

/**
 * A unique index of `accounts` that a concurrent writer won, as the user error the checks before
 * the write would have given; undefined for any other index.
 */
export function takenErrorOf(index: string | undefined): UserError | undefined {
  switch (index) {
    case 'UQ_accounts_admin_email_key':
      return emailTakenError();
    case 'UQ_accounts_msp_name_key':
      return nameTakenError();
    case 'UQ_accounts_msp_external_id_key':
      return externalIdTakenError();
    default:
      return undefined;
  }
}

export const SEATS_MAX = 1_000_000;

/** Licensed seats: a whole number from 1 to SEATS_MAX (INVALID_SEATS), for an upgrade and its request alike. */
export function seatsError(seats: number): UserError | null {
  if (Number.isSafeInteger(seats) && seats >= 1 && seats <= SEATS_MAX) return null;
  return userError('licensedSeats', UserErrorCode.INVALID_SEATS, `Licensed seats must be a whole number from 1 to ${SEATS_MAX.toLocaleString('en')}.`);
}
