import { EntityManager } from 'typeorm';
import { Database } from '../../database/data-source';
import { AccountEntity, SupportRequestEntity, StoredPlan } from '../../entities';
import { SupportRequestKind, SupportRequestStatus } from '../../entities/enums';
import { AuditAction, AuditService } from '../audit.service';
import { Clock, DAY_MS } from '../clock';
import { CustomerService } from '../customers/customer.service';
import { Outcome, UserError, UserErrorCode, UserErrorsAbort, failure, runOutcome, userError } from '../errors';
import { rowIdOf, toGlobalId } from '../global-id';
import { Principal, tenantOf, requireMspId } from '../principal';
import { RollupService } from '../subscription/rollup.service';
import { SubscriptionState, subscriptionState } from '../subscription/subscription-rule';
import { StaffOperationsService } from './staff-operations.service';
import { alreadyPaid, customerNotFound, notATrial, seatsError } from '../user-errors';
import { SupportRequestView } from './support-request-list.service';
import { checkNote } from '../text/text-rules';
import { WebhookEventService, customerData } from '../webhooks/webhook-event.service';
import { WebhookEventType } from '../webhooks/webhook-event-type';

export const EXTENSION_DAYS_MAX = 90;
const DEFAULT_REMOVAL_REASON = 'Requested by the MSP';

export interface RequestUpgradeInput {
  customerId: string;
  licensedSeats: number;
  note?: string | null;
}

export interface RequestTrialExtensionInput {
  customerId: string;
  days: number;
  note?: string | null;
}

export interface RequestRemovalInput {
  customerId: string;
  note?: string | null;
}

export interface ResolveSupportRequestInput {
  id: string;
  note?: string | null;
}

const requestNotFound = () => userError('id', UserErrorCode.NOT_FOUND, 'No support request with this id.');
const notOpen = () => userError('id', UserErrorCode.REQUEST_NOT_OPEN, 'This support request was already approved or rejected.');
const duplicate = (kind: SupportRequestKind) =>
  userError('customerId', UserErrorCode.DUPLICATE_REQUEST, `This customer already has an open ${KIND_LABEL[kind]} request.`);

const KIND_LABEL: Record<SupportRequestKind, string> = {
  UPGRADE: 'upgrade',
  TRIAL_EXTENSION: 'trial extension',
  REMOVAL: 'removal',
};

const openKeyOf = (customerId: number, kind: SupportRequestKind) => `${customerId}:${kind}`;

const isError = (value: unknown): value is UserError => typeof value === 'object' && value !== null && 'code' in value;

/** Requests MSPs file with support, and staff's approval (which performs them) or rejection. */
export class SupportRequestService {
  /**
   * An approval takes the MSP's lock before it reads the customer, so an extension is measured
   * from the trial end as it stands when the change is made.
   */

  constructor(
    readonly db: Database,
    readonly clock: Clock,
    readonly audit: AuditService,
    readonly staffOperations: StaffOperationsService,
    readonly customers: CustomerService,
    private readonly rollups: RollupService,
    private readonly events: WebhookEventService,
  ) {}

  /**
   * Files a request to upgrade a trial (active or expired) to a paid subscription with the given
   * seats. User errors: INVALID_SEATS, INVALID_NOTE, NOT_FOUND (customerId), ALREADY_PAID,
   * DUPLICATE_REQUEST.
   */
  async requestUpgrade(principal: Principal, input: RequestUpgradeInput): Promise<Outcome<SupportRequestView>> {
    const seats = input.licensedSeats;
    const invalid = seatsError(seats);
    return this.file(principal, SupportRequestKind.UPGRADE, input, { licensedSeats: seats }, invalid ? [invalid] : [], (customer) =>
      customer.plan === StoredPlan.PAID ? alreadyPaid() : null,
    );
  }

  /**
   * Files a request to extend a trial, active or expired, by 1 to 90 days. User errors:
   * INVALID_DAYS, INVALID_NOTE, NOT_FOUND (customerId), NOT_A_TRIAL, DUPLICATE_REQUEST.
   */
  async requestTrialExtension(principal: Principal, input: RequestTrialExtensionInput): Promise<Outcome<SupportRequestView>> {
    const days = input.days;
    const invalid =
      Number.isSafeInteger(days) && days >= 1 && days <= EXTENSION_DAYS_MAX
        ? []
        : [userError('days', UserErrorCode.INVALID_DAYS, `A trial extension must be 1 to ${EXTENSION_DAYS_MAX} days.`)];
    return this.file(principal, SupportRequestKind.TRIAL_EXTENSION, input, { days }, invalid, (customer) =>
      customer.plan === StoredPlan.PAID ? notATrial() : null,
    );
  }

  /**
   * Files a request to remove an expired trial. User errors: INVALID_NOTE, NOT_FOUND
   * (customerId), NOT_EXPIRED (an active trial or a paid customer), DUPLICATE_REQUEST.
   */
  async requestRemoval(principal: Principal, input: RequestRemovalInput): Promise<Outcome<SupportRequestView>> {
    return this.file(principal, SupportRequestKind.REMOVAL, input, {}, [], (customer, now) => notExpired(customer, now));
  }

  /**
   * Staff: performs the request (upgrade, trial extension to max(now, trialEndsAt) + days, or
   * removal) and marks it APPROVED, in one transaction. When the operation's rules refuse it
   * now, its user errors are returned (on `id`), nothing is written and the request stays OPEN.
   * User errors: INVALID_NOTE, NOT_FOUND (id), REQUEST_NOT_OPEN, and the operation's own
   * (ALREADY_PAID, NOT_A_TRIAL, NOT_EXPIRED, CUSTOMER_REMOVED, ...).
   */
  async approve(principal: Principal, input: ResolveSupportRequestInput): Promise<Outcome<SupportRequestView>> {
    return this.resolve(principal, input, SupportRequestStatus.APPROVED, async (manager, request, now) => {
      const customer = await manager.findOne(AccountEntity, { where: { id: request.customerId } });
      if (!customer) throw new Error(`support request ${request.id} names a missing customer`);
      const customerId = toGlobalId('CustomerAccount', customer.accountNumber);
      let outcome: Outcome<AccountEntity>;
      switch (request.kind) {
        case SupportRequestKind.UPGRADE:
          outcome = await this.staffOperations.upgradeToPaid(principal, { customerId, licensedSeats: request.licensedSeats ?? 0 }, manager);
          break;
        case SupportRequestKind.TRIAL_EXTENSION: {
          const from = Math.max(now.getTime(), customer.trialEndsAt?.getTime() ?? 0);
          const trialEndsAt = new Date(from + (request.days ?? 0) * DAY_MS);
          outcome = await this.staffOperations.setTrialEnd(principal, { customerId, trialEndsAt }, manager);
          break;
        }
        case SupportRequestKind.REMOVAL: {
          // The MSP asked to remove an expired trial; one extended or upgraded since is not that.
          const refused = customer.removedAt ? null : notExpired(customer, now);
          if (refused) throw new UserErrorsAbort([{ ...refused, field: ['input', 'id'] }]);
          const reason = request.note ?? DEFAULT_REMOVAL_REASON;
          outcome = await this.staffOperations.removeCustomer(principal, { customerId, reason }, manager);
          break;
        }
      }
      // The operation's errors name its own input fields; here the request is what is at fault.
      if (!outcome.ok) throw new UserErrorsAbort(outcome.errors.map((e) => ({ ...e, field: ['input', 'id'] })));
      return outcome.value;
    });
  }

  /** Staff: marks the request REJECTED. User errors: INVALID_NOTE, NOT_FOUND (id), REQUEST_NOT_OPEN. */
  async reject(principal: Principal, input: ResolveSupportRequestInput): Promise<Outcome<SupportRequestView>> {
    return this.resolve(principal, input, SupportRequestStatus.REJECTED, async (manager, request) =>
      manager.findOne(AccountEntity, { where: { id: request.customerId } }),
    );
  }

  private async file(
    principal: Principal,
    kind: SupportRequestKind,
    input: { customerId: string; note?: string | null },
    values: { licensedSeats?: number; days?: number },
    invalid: UserError[],
    refuse: (customer: AccountEntity, now: Date) => UserError | null,
  ): Promise<Outcome<SupportRequestView>> {
    const mspId = requireMspId(principal, 'filing a support request');
    const note = checkNote(input.note);
    const errors = isError(note) ? [...invalid, note] : invalid;
    if (errors.length > 0 || isError(note)) return failure(...errors);
    const found = await this.customers.findByGlobalId(principal, input.customerId);
    if (!found || found.mspId !== mspId) return failure(customerNotFound());

    try {
      return await runOutcome(() =>
        this.db.transaction(async (manager) => {
          const now = this.clock.now();
          const customer = await manager.findOne(AccountEntity, { where: { id: found.id, mspId } });
          if (!customer || customer.removedAt) throw new UserErrorsAbort([customerNotFound()]);
          const refused = refuse(customer, now);
          if (refused) throw new UserErrorsAbort([refused]);
          const openKey = openKeyOf(customer.id, kind);
          // The friendly check; the unique index on open_key is the guarantee (see the catch below).
          if (await manager.count(SupportRequestEntity, { where: { openKey } })) throw new UserErrorsAbort([duplicate(kind)]);
          const request = Object.assign(new SupportRequestEntity(), {
            mspId,
            customerId: customer.id,
            kind,
            status: SupportRequestStatus.OPEN,
            note,
            licensedSeats: values.licensedSeats ?? null,
            days: values.days ?? null,
            openKey,
            requestedBy: principal.keyPrefix,
            createdAt: now,
            resolvedAt: null,
            resolution: null,
            resolvedBy: null,
          });
          request.id = Number((await manager.insert(SupportRequestEntity, request)).identifiers[0].id);
          await this.audit.record(manager, principal, {
            action: AuditAction.SUPPORT_REQUEST_FILED,
            mspId,
            target: toGlobalId('SupportRequest', request.id),
            details: { kind, customer: toGlobalId('CustomerAccount', customer.accountNumber), ...values },
          });
          return { request, customer };
        }),
      );
    } catch (error) {
      if (this.db.uniqueViolation(error) === 'UQ_support_requests_open_key') return failure(duplicate(kind));
      throw error;
    }
  }

  /**
   * Closes an OPEN request as APPROVED or REJECTED, with `perform` (the approved operation) in the
   * same transaction, after the MSP's lock and the request's conditional update, so two staff
   * members resolving one request at once cannot both succeed.
   */
  private async resolve(
    principal: Principal,
    input: ResolveSupportRequestInput,
    status: SupportRequestStatus.APPROVED | SupportRequestStatus.REJECTED,
    perform: (manager: EntityManager, request: SupportRequestEntity, now: Date) => Promise<AccountEntity | null>,
  ): Promise<Outcome<SupportRequestView>> {
    const note = checkNote(input.note);
    if (isError(note)) return failure(note);
    const id = rowIdOf(input.id, 'SupportRequest');
    if (id === null) return failure(requestNotFound());
    const tenant = tenantOf(principal);

    return runOutcome(() =>
      this.db.transaction(async (manager) => {
        const found = await manager.findOne(SupportRequestEntity, { where: { id } });
        if (!found || (tenant !== null && found.mspId !== tenant)) throw new UserErrorsAbort([requestNotFound()]);
        if (found.status !== SupportRequestStatus.OPEN) throw new UserErrorsAbort([notOpen()]);
        if (status === SupportRequestStatus.APPROVED) await this.rollups.lock(manager, found.mspId);
        const now = this.clock.now();
        const closed = { status, resolvedAt: now, resolution: note, resolvedBy: principal.keyPrefix, openKey: null };
        const updated = await manager
          .createQueryBuilder()
          .update(SupportRequestEntity)
          .set(closed)
          .where('id = :id AND status = :open', { id, open: SupportRequestStatus.OPEN })
          .execute();
        if (!updated.affected) throw new UserErrorsAbort([notOpen()]);
        const customer = await perform(manager, found, now);
        await this.audit.record(manager, principal, {
          action: status === SupportRequestStatus.APPROVED ? AuditAction.SUPPORT_REQUEST_APPROVED : AuditAction.SUPPORT_REQUEST_REJECTED,
          mspId: found.mspId,
          target: toGlobalId('SupportRequest', found.id),
          details: { kind: found.kind, customer: customer ? toGlobalId('CustomerAccount', customer.accountNumber) : null },
        });
        await this.events.emit(manager, found.mspId, WebhookEventType.SUPPORT_REQUEST_RESOLVED, { supportRequest: { id: toGlobalId('SupportRequest', found.id), kind: found.kind, status, resolution: note }, customer: customer && customerData(customer, now) });
        return { request: Object.assign(found, closed), customer };
      }),
    );
  }
}

function notExpired(customer: AccountEntity, now: Date): UserError | null {
  return subscriptionState(customer, now) === SubscriptionState.EXPIRED_TRIAL
    ? null
    : userError('customerId', UserErrorCode.NOT_EXPIRED, 'Only an expired trial can be removed on request.');
}
