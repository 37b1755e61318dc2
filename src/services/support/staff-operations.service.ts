import { EntityManager } from 'typeorm';
import { Database } from '../../database/data-source';
import { AccountEntity, AccountKind, StoredPlan } from '../../entities';
import { anonymizeCustomer } from './customer-purge';
import { alreadyPaid, customerNotFound, customerRemoved, externalIdTakenInMsp, nameTakenInMsp, notATrial, seatsError } from '../user-errors';
import { AuditAction, AuditService } from '../audit.service';
import { Clock, DAY_MS } from '../clock';
import { CustomerService } from '../customers/customer.service';
import { AppError, Outcome, UserError, UserErrorCode, UserErrorsAbort, failure, runOutcome, userError } from '../errors';
import { accountNumberOf, toGlobalId } from '../global-id';
import { Principal, isStaff } from '../principal';
import { RollupService } from '../subscription/rollup.service';
import { subscriptionState } from '../subscription/subscription-rule';
import { checkReason, isUserError } from '../text/text-rules';
import { WebhookEventService, customerData } from '../webhooks/webhook-event.service';
import { WebhookEventType } from '../webhooks/webhook-event-type';

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

const notStandalone = () => userError('accountNumber', UserErrorCode.NOT_STANDALONE, 'This account is not a standalone (sign-up page) account.');
const abort = (error: UserError): never => {
  throw new UserErrorsAbort([error]);
};

/**
 * Staff's support operations on customers: upgrade, seats, trial end, remove, restore, purge,
 * link. Each takes the MSP's rollup lock, re-reads the customer under it, checks every rule
 * before writing, moves the customer's contribution to the totals and audits, all in one
 * transaction: its own, or the caller's `manager` (an approved support request), in which case
 * user errors come back as a failed outcome with nothing written and the caller rolls back.
 */
export class StaffOperationsService {
  constructor(
    readonly db: Database,
    readonly clock: Clock,
    readonly rollups: RollupService,
    readonly audit: AuditService,
    readonly customers: CustomerService,
    readonly events: WebhookEventService,
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
      if (customer.plan === StoredPlan.PAID) abort(alreadyPaid());
      const after = await this.change(m, customer, asOf, { plan: StoredPlan.PAID, licensedSeats: input.licensedSeats });
      await this.record(m, actor, AuditAction.CUSTOMER_UPGRADED, after, {
        from: subscriptionState(customer, this.clock.now()),
        licensedSeats: input.licensedSeats,
      });
      await this.events.emit(m, after.mspId, WebhookEventType.SUBSCRIPTION_UPGRADED, { customer: customerData(after, this.clock.now()), previousState: subscriptionState(customer, this.clock.now()) });
      return after;
    });
  }

  /** Changes a paid customer's licensed seats. User errors: NOT_FOUND, INVALID_SEATS, CUSTOMER_REMOVED, NOT_PAID. */
  async setLicensedSeats(actor: Principal, input: SeatsInput, manager?: EntityManager): Promise<Outcome<AccountEntity>> {
    requireStaff(actor);
    const invalid = seatsError(input.licensedSeats);
    if (invalid) return failure(invalid);
    return this.onCustomer(input.customerId, manager, async (m, customer, asOf) => {
      if (customer.plan !== StoredPlan.PAID) abort(userError('customerId', UserErrorCode.NOT_PAID, 'This customer is on a trial; upgrade it first.'));
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
      if (customer.plan === StoredPlan.PAID) abort(notATrial());
      const after = await this.change(m, customer, asOf, { trialEndsAt: end });
      await this.record(m, actor, AuditAction.TRIAL_END_SET, after, {
        from: customer.trialEndsAt?.toISOString() ?? null,
        trialEndsAt: end.toISOString(),
      });
      if (end.getTime() > (customer.trialEndsAt?.getTime() ?? 0)) await this.events.emit(m, after.mspId, WebhookEventType.TRIAL_EXTENDED, { customer: customerData(after, this.clock.now()), previousTrialEndsAt: customer.trialEndsAt?.toISOString() ?? null });
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
        abort(userError('reason', UserErrorCode.REASON_REQUIRED, 'Removing a paid customer needs a reason.'));
      }
      const removal = { removedAt: this.clock.now(), removalReason: reason, nameKey: null, externalIdKey: null };
      const after = await this.change(m, customer, asOf, removal, 'leave');
      await this.record(m, actor, AuditAction.CUSTOMER_REMOVED, after, { reason });
      await this.events.emit(m, after.mspId, WebhookEventType.CUSTOMER_REMOVED, { customer: customerData(after, this.clock.now()), reason });
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
      if (!customer.removedAt) abort(userError('customerId', UserErrorCode.NOT_REMOVED, 'This customer is not removed.'));
      if (customer.purgedAt) abort(userError('customerId', UserErrorCode.CUSTOMER_PURGED, "This customer's data was purged; it cannot be restored."));
      const mspId = customer.mspId as number;
      const errors: UserError[] = [];
      if (await m.count(AccountEntity, { where: { mspId, nameKey: customer.nameNormalized } })) {
        errors.push(nameTakenInMsp('customerId'));
      }
      if (customer.externalId !== null && (await m.count(AccountEntity, { where: { mspId, externalIdKey: customer.externalId } }))) {
        errors.push(externalIdTakenInMsp('customerId'));
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
      if (!customer.removedAt) abort(userError('customerId', UserErrorCode.NOT_REMOVED, 'Only a removed customer can be purged; remove it first.'));
      const values = await anonymizeCustomer(this.db, m, customer, this.clock.now());
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
        abort(notStandalone());
      }
      if (await m.count(AccountEntity, { where: { mspId: msp.id, nameKey: fresh.nameNormalized } })) {
        abort(nameTakenInMsp('accountNumber'));
      }
      const values = { kind: AccountKind.CUSTOMER, mspId: msp.id, nameKey: fresh.nameNormalized, externalIdKey: fresh.externalId };
      // Conditional, so two links of one account to two MSPs (two different locks) cannot both pass.
      const linked = await m
        .createQueryBuilder()
        .update(AccountEntity)
        .set(values)
        .where('id = :id AND kind = :standalone', { id: fresh.id, standalone: AccountKind.STANDALONE })
        .execute();
      if (!linked.affected) abort(notStandalone());
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
      if (!found?.mspId) throw new UserErrorsAbort([customerNotFound()]);
      const asOf = await this.rollups.lock(m, found.mspId);
      const customer = await m.findOneOrFail(AccountEntity, { where: { id: found.id } });
      if (customer.removedAt && options.removed === 'refuse') throw new UserErrorsAbort([customerRemoved()]);
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

