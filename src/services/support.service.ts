import { EntityManager } from 'typeorm';
import { Database } from '../database/data-source';
import { AccountEntity, AccountKind, EmailVerificationEntity, MailOutboxEntity, MonitoredUserEntity, StoredPlan } from '../entities';
import { AuditAction, AuditService } from './audit.service';
import { Clock, DAY_MS } from './clock';
import { CustomerService } from './customer.service';
import { AppError, Outcome, UserError, UserErrorCode, UserErrorsAbort, failure, runOutcome, userError } from './errors';
import { accountNumberOf, toGlobalId } from './global-id';
import { checkReason, isUserError, keyOf } from './text/text-rules';
import { Principal, isStaff } from './principal';
import { RollupService } from './rollup.service';
import { subscriptionState } from './subscription';

export const SEATS_MAX = 1_000_000;
/** How far ahead staff may set a trial's end. */
export const TRIAL_END_MAX_DAYS = 365;

export interface SeatsInput {
  customerId: string;
  licensedSeats: number;
}

export interface TrialEndInput {
  customerId: string;
  trialEndsAt: Date;
}

export interface RemoveCustomerInput {
  customerId: string;
  reason?: string | null;
}

export interface CustomerIdInput {
  customerId: string;
}

export interface LinkStandaloneAccountInput {
  accountNumber: string;
  mspAccountNumber: string;
}

const abort = (field: string, code: UserErrorCode, message: string): never => {
  throw new UserErrorsAbort([userError(field, code, message)]);
};
const notFound = (field = 'customerId') => userError(field, UserErrorCode.NOT_FOUND, 'No customer with this id.');
const removedError = () =>
  userError('customerId', UserErrorCode.CUSTOMER_REMOVED, 'This customer has been removed; restore it first.');

/** The anonymous placeholders that replace a purged customer's personal data. */
export const purgedEmail = (accountNumber: string) => `purged-${accountNumber}@purged.invalid`;
export const purgedName = (accountNumber: string) => `Purged customer ${accountNumber}`;
export const PURGED_USER_PREFIX = 'purged-user-';

/**
 * Staff's support operations on customers: upgrade, seats, trial end, remove, restore, purge,
 * link. Each takes the MSP's rollup lock, re-reads the customer under it, checks every rule
 * before writing, moves the customer's contribution to the totals and audits, all in one
 * transaction: its own, or the caller's `manager` (an approved support request), in which case
 * user errors come back as a failed outcome with nothing written and the caller rolls back.
 */
export class SupportService {
  constructor(
    readonly db: Database,
    readonly clock: Clock,
    readonly rollups: RollupService,
    readonly audit: AuditService,
    readonly customers: CustomerService,
  ) {}

  /**
   * A trial (active or expired) becomes PAID with `licensedSeats` (fewer than its users is
   * allowed: overage); its users count as billable at once; `trialEndsAt` stays as history.
   * User errors: NOT_FOUND, INVALID_SEATS, CUSTOMER_REMOVED, ALREADY_PAID.
   */
  async upgradeToPaid(actor: Principal, input: SeatsInput, manager?: EntityManager): Promise<Outcome<AccountEntity>> {
    requireStaff(actor);
    const invalid = seatsError(input.licensedSeats);
    if (invalid) return failure(invalid);
    return this.onCustomer(input.customerId, manager, async (m, customer, asOf) => {
      if (customer.plan === StoredPlan.PAID) abort('customerId', UserErrorCode.ALREADY_PAID, 'This customer already has a paid subscription.');
      const after = await this.change(m, customer, asOf, { plan: StoredPlan.PAID, licensedSeats: input.licensedSeats });
      await this.record(m, actor, AuditAction.CUSTOMER_UPGRADED, after, {
        from: subscriptionState(customer, this.clock.now()),
        licensedSeats: input.licensedSeats,
      });
      return after;
    });
  }

  /** Changes a paid customer's licensed seats. User errors: NOT_FOUND, INVALID_SEATS, CUSTOMER_REMOVED, NOT_PAID. */
  async setLicensedSeats(actor: Principal, input: SeatsInput, manager?: EntityManager): Promise<Outcome<AccountEntity>> {
    requireStaff(actor);
    const invalid = seatsError(input.licensedSeats);
    if (invalid) return failure(invalid);
    return this.onCustomer(input.customerId, manager, async (m, customer, asOf) => {
      if (customer.plan !== StoredPlan.PAID) abort('customerId', UserErrorCode.NOT_PAID, 'This customer is on a trial; upgrade it first.');
      const after = await this.change(m, customer, asOf, { licensedSeats: input.licensedSeats });
      await this.record(m, actor, AuditAction.LICENSED_SEATS_SET, after, { from: customer.licensedSeats, licensedSeats: input.licensedSeats });
      return after;
    });
  }

  /**
   * Moves a trial's end: later extends it (an expired trial becomes active and all its users
   * count again), a time already past ends it at once. Within TRIAL_END_MAX_DAYS of now.
   * User errors: NOT_FOUND, INVALID_TRIAL_END, CUSTOMER_REMOVED, NOT_A_TRIAL.
   */
  async setTrialEnd(actor: Principal, input: TrialEndInput, manager?: EntityManager): Promise<Outcome<AccountEntity>> {
    requireStaff(actor);
    const end = input.trialEndsAt;
    const now = this.clock.now().getTime();
    if (!(end instanceof Date) || Number.isNaN(end.getTime()) || Math.abs(end.getTime() - now) > TRIAL_END_MAX_DAYS * DAY_MS) {
      const message = `The trial end must lie within ${TRIAL_END_MAX_DAYS} days of now (a past time ends the trial).`;
      return failure(userError('trialEndsAt', UserErrorCode.INVALID_TRIAL_END, message));
    }
    return this.onCustomer(input.customerId, manager, async (m, customer, asOf) => {
      if (customer.plan === StoredPlan.PAID) abort('customerId', UserErrorCode.NOT_A_TRIAL, 'This customer is paid, not on a trial.');
      const after = await this.change(m, customer, asOf, { trialEndsAt: end });
      await this.record(m, actor, AuditAction.TRIAL_END_SET, after, {
        from: customer.trialEndsAt?.toISOString() ?? null,
        trialEndsAt: end.toISOString(),
      });
      return after;
    });
  }

  /**
   * Soft-deletes a customer: it leaves its MSP's lists, counts and totals; the row, its users
   * and its email stay; its organization name and external id are free again. A paid customer
   * needs a reason. User errors: NOT_FOUND, INVALID_NOTE, CUSTOMER_REMOVED, REASON_REQUIRED.
   */
  async removeCustomer(actor: Principal, input: RemoveCustomerInput, manager?: EntityManager): Promise<Outcome<AccountEntity>> {
    requireStaff(actor);
    const reason = checkReason(input.reason);
    if (isUserError(reason)) return failure(reason);
    return this.onCustomer(input.customerId, manager, async (m, customer, asOf) => {
      if (reason === null && customer.plan === StoredPlan.PAID) {
        abort('reason', UserErrorCode.REASON_REQUIRED, 'Removing a paid customer needs a reason.');
      }
      const removal = { removedAt: this.clock.now(), removalReason: reason, nameKey: null, externalIdKey: null };
      const after = await this.change(m, customer, asOf, removal, 'leave');
      await this.record(m, actor, AuditAction.CUSTOMER_REMOVED, after, { reason });
      return after;
    }, { removed: 'refuse' });
  }

  /**
   * Lists a removed customer again, with its totals. User errors: NOT_FOUND, NOT_REMOVED,
   * ORGANIZATION_NAME_TAKEN and EXTERNAL_ID_TAKEN (another current customer took them meanwhile).
   */
  async restoreCustomer(actor: Principal, input: CustomerIdInput, manager?: EntityManager): Promise<Outcome<AccountEntity>> {
    requireStaff(actor);
    return this.onCustomer(input.customerId, manager, async (m, customer, asOf) => {
      if (!customer.removedAt) abort('customerId', UserErrorCode.NOT_REMOVED, 'This customer is not removed.');
      if (customer.purgedAt) abort('customerId', UserErrorCode.CUSTOMER_PURGED, "This customer's data was purged; it cannot be restored.");
      const mspId = customer.mspId as number;
      const errors: UserError[] = [];
      if (await m.count(AccountEntity, { where: { mspId, nameKey: customer.nameNormalized } })) {
        errors.push(userError('customerId', UserErrorCode.ORGANIZATION_NAME_TAKEN, 'Another current customer of this MSP has this organization name.'));
      }
      if (customer.externalId !== null && (await m.count(AccountEntity, { where: { mspId, externalIdKey: customer.externalId } }))) {
        errors.push(userError('customerId', UserErrorCode.EXTERNAL_ID_TAKEN, 'Another current customer of this MSP has this external id.'));
      }
      if (errors.length > 0) throw new UserErrorsAbort(errors);
      const restored = { removedAt: null, removalReason: null, nameKey: customer.nameNormalized, externalIdKey: customer.externalId };
      const after = await this.change(m, customer, asOf, restored, 'return');
      await this.record(m, actor, AuditAction.CUSTOMER_RESTORED, after, {});
      return after;
    }, { removed: 'allow' });
  }

  /**
   * Replaces a removed customer's personal data (admin email, organization name, external id,
   * its users' identities and display names) with anonymous placeholders; counts and the audit
   * trail stay, and the old email is free again. User errors: NOT_FOUND, NOT_REMOVED.
   */
  async purgeCustomer(actor: Principal, input: CustomerIdInput, manager?: EntityManager): Promise<Outcome<AccountEntity>> {
    requireStaff(actor);
    return this.onCustomer(input.customerId, manager, async (m, customer) => {
      if (!customer.removedAt) abort('customerId', UserErrorCode.NOT_REMOVED, 'Only a removed customer can be purged; remove it first.');
      const email = purgedEmail(customer.accountNumber);
      const name = purgedName(customer.accountNumber);
      const values = {
        adminEmail: email,
        adminEmailKey: email,
        adminEmailVerifiedAt: null,
        name,
        nameNormalized: keyOf(name),
        externalId: null,
        externalIdKey: null,
        purgedAt: customer.purgedAt ?? this.clock.now(),
      };
      await m.update(AccountEntity, { id: customer.id }, values);
      // Two passes: a user whose identity happens to read "purged-user-<another user's id>" would
      // make a one-pass rewrite hit the unique (account, identity) index. The interim key starts
      // with a control character, which no registered identity can contain.
      const keyed = (prefix: string) => (this.db.engine === 'mysql' ? `CONCAT(${prefix}, id)` : `${prefix} || id`);
      for (const [prefix, columns] of [
        [':interim', ['identityKey']],
        [':placeholder', ['identity', 'identityKey', 'displayName']],
      ] as const) {
        await m
          .createQueryBuilder()
          .update(MonitoredUserEntity)
          .set(Object.fromEntries(columns.map((column) => [column, () => keyed(prefix)])))
          .where('account_id = :id', { id: customer.id })
          .setParameters({ interim: '\u0001purging-', placeholder: PURGED_USER_PREFIX })
          .execute();
      }
      // Pending verification links name the old address; they are useless now and personal data.
      await m.delete(EmailVerificationEntity, { accountId: customer.id });
      // So does every mail sent about the account (to this address or an earlier, corrected one).
      await m.update(MailOutboxEntity, { accountId: customer.id }, { recipient: email, subject: '(purged)', body: '(purged)' });
      const after = Object.assign(new AccountEntity(), customer, values);
      await this.record(m, actor, AuditAction.CUSTOMER_PURGED, after, { users: customer.userCount });
      return after;
    }, { removed: 'allow' });
  }

  /**
   * Makes a STANDALONE account (from the sign-up page) a customer of an MSP, keeping its plan
   * and trial. User errors: NOT_FOUND (accountNumber or mspAccountNumber), NOT_STANDALONE,
   * ORGANIZATION_NAME_TAKEN (the MSP has a current customer of that name).
   */
  async linkStandaloneAccount(actor: Principal, input: LinkStandaloneAccountInput, manager?: EntityManager): Promise<Outcome<AccountEntity>> {
    requireStaff(actor);
    return this.inTransaction(manager, async (m) => {
      const accountNumber = input.accountNumber.trim();
      const mspAccountNumber = input.mspAccountNumber.trim();
      const account = await m.findOne(AccountEntity, { where: { accountNumber } });
      const msp = await m.findOne(AccountEntity, { where: { accountNumber: mspAccountNumber, kind: AccountKind.MSP } });
      const errors: UserError[] = [];
      if (!account) errors.push(userError('accountNumber', UserErrorCode.NOT_FOUND, 'No account with this number.'));
      if (!msp) errors.push(userError('mspAccountNumber', UserErrorCode.NOT_FOUND, 'No MSP with this account number.'));
      if (!account || !msp || errors.length > 0) throw new UserErrorsAbort(errors);
      const asOf = await this.rollups.lock(m, msp.id);
      const fresh = await m.findOneOrFail(AccountEntity, { where: { id: account.id } });
      if (fresh.kind !== AccountKind.STANDALONE) {
        abort('accountNumber', UserErrorCode.NOT_STANDALONE, 'This account is not a standalone (sign-up page) account.');
      }
      if (await m.count(AccountEntity, { where: { mspId: msp.id, nameKey: fresh.nameNormalized } })) {
        abort('accountNumber', UserErrorCode.ORGANIZATION_NAME_TAKEN, 'The MSP already has a current customer with this organization name.');
      }
      const values = { kind: AccountKind.CUSTOMER, mspId: msp.id, nameKey: fresh.nameNormalized, externalIdKey: fresh.externalId };
      // Conditional, so two links of one account to two MSPs (two different locks) cannot both pass.
      const linked = await m
        .createQueryBuilder()
        .update(AccountEntity)
        .set(values)
        .where('id = :id AND kind = :standalone', { id: fresh.id, standalone: AccountKind.STANDALONE })
        .execute();
      if (!linked.affected) abort('accountNumber', UserErrorCode.NOT_STANDALONE, 'This account is not a standalone (sign-up page) account.');
      const after = Object.assign(new AccountEntity(), fresh, values);
      await this.rollups.apply(m, msp.id, asOf, null, after);
      await this.record(m, actor, AuditAction.STANDALONE_ACCOUNT_LINKED, after, { msp: toGlobalId('Msp', msp.accountNumber) });
      return after;
    });
  }

  /**
   * Finds the customer a staff operation names (any MSP's), takes its MSP's lock, re-reads it under the
   * lock and runs `work` on it. A removed customer is refused unless the operation allows it.
   */
  private onCustomer(
    customerId: string,
    manager: EntityManager | undefined,
    work: (manager: EntityManager, customer: AccountEntity, asOf: Date) => Promise<AccountEntity>,
    options: { removed: 'refuse' | 'allow' } = { removed: 'refuse' },
  ): Promise<Outcome<AccountEntity>> {
    return this.inTransaction(manager, async (m) => {
      const accountNumber = accountNumberOf(customerId, 'CustomerAccount');
      const found = accountNumber === null ? null : await m.findOne(AccountEntity, { where: { accountNumber, kind: AccountKind.CUSTOMER } });
      if (!found?.mspId) throw new UserErrorsAbort([notFound()]);
      const asOf = await this.rollups.lock(m, found.mspId);
      const customer = await m.findOneOrFail(AccountEntity, { where: { id: found.id } });
      if (customer.removedAt && options.removed === 'refuse') throw new UserErrorsAbort([removedError()]);
      return work(m, customer, asOf);
    });
  }

  private inTransaction<T>(manager: EntityManager | undefined, work: (manager: EntityManager) => Promise<T>): Promise<Outcome<T>> {
    return runOutcome(() => (manager ? work(manager) : this.db.transaction(work)));
  }

  /**
   * Writes `values` to a customer and moves its contribution to the totals; a removal makes it
   * leave them, a restore makes it return.
   */
  private async change(
    manager: EntityManager,
    customer: AccountEntity,
    asOf: Date,
    values: Partial<AccountEntity>,
    totals: 'stay' | 'leave' | 'return' = 'stay',
  ): Promise<AccountEntity> {
    await manager.update(AccountEntity, { id: customer.id }, values);
    const after = Object.assign(new AccountEntity(), customer, values);
    await this.rollups.apply(manager, customer.mspId as number, asOf, totals === 'return' ? null : customer, totals === 'leave' ? null : after);
    return after;
  }

  private record(manager: EntityManager, actor: Principal, action: AuditAction, customer: AccountEntity, details: Record<string, unknown>) {
    return this.audit.record(manager, actor, {
      action,
      mspId: customer.mspId,
      target: toGlobalId('CustomerAccount', customer.accountNumber),
      details,
    });
  }
}

function requireStaff(actor: Principal): void {
  if (!isStaff(actor)) throw new AppError('FORBIDDEN', 'Only staff keys may perform support operations.');
}

function seatsError(seats: number): UserError | null {
  if (Number.isInteger(seats) && seats >= 1 && seats <= SEATS_MAX) return null;
  return userError('licensedSeats', UserErrorCode.INVALID_SEATS, 'Licensed seats must be a whole number from 1 to 1,000,000.');
}
