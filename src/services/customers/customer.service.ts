import { createHash } from 'node:crypto';
import { EntityManager, In, SelectQueryBuilder } from 'typeorm';
import { Database } from '../../database/data-source';
import { AccountEntity, AccountKind, IdempotencyKeyEntity, StoredPlan } from '../../entities';
import { emailTaken, insertAccount } from '../account-insert';
import { emailTakenError, externalIdTakenError, nameTakenError } from '../user-errors';
import { AuditAction } from '../audit.service';
import { Clock, DAY_MS } from '../clock';
import { EmailVerificationService } from '../email-verification.service';
import { accountNumberOf, toGlobalId } from '../global-id';
import { Outcome, UserError, UserErrorCode, UserErrorsAbort, failure, runOutcome, userError } from '../errors';
import { EXTERNAL_ID_MAX, IDEMPOTENCY_KEY_MAX, checkEmail, checkOrganizationName, checkToken, isUserError } from '../text/text-rules';
import { Principal, tenantOf, requireMspId } from '../principal';
import { RollupService } from '../subscription/rollup.service';
import { WebhookEventService, customerData } from '../webhooks/webhook-event.service';
import { WebhookEventType } from '../webhooks/webhook-event-type';

export const IDEMPOTENCY_TTL_MS = DAY_MS;

export interface AddCustomerInput {
  adminEmail: string;
  organizationName: string;
  externalId?: string | null;
  idempotencyKey?: string | null;
}

/** Customers of MSPs: adding them and finding them within the caller's tenant (the list: CustomerListService). */
export class CustomerService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly rollups: RollupService,
    private readonly verification: EmailVerificationService,
    private readonly trialLengthDays: number,
    private readonly events: WebhookEventService,
  ) {}

  /**
   * Adds a customer to the caller's MSP as an active trial of TRIAL_LENGTH_DAYS. Rules: the
   * admin email is unique across all accounts; the organization name among the MSP's
   * customers (case-insensitively); the external id among the MSP's customers. With an
   * idempotency key, a retry of the same input within 24 h returns the first customer.
   * User errors: INVALID_EMAIL, EMAIL_TAKEN, INVALID_ORGANIZATION_NAME, ORGANIZATION_NAME_TAKEN,
   * INVALID_EXTERNAL_ID, EXTERNAL_ID_TAKEN, INVALID_IDEMPOTENCY_KEY, IDEMPOTENCY_KEY_REUSED.
   */
  async addCustomer(principal: Principal, input: AddCustomerInput): Promise<Outcome<AccountEntity>> {
    const mspId = requireMspId(principal, 'addCustomer');
    const email = checkEmail(input.adminEmail);
    const name = checkOrganizationName(input.organizationName);
    const externalId =
      input.externalId == null
        ? null
        : checkToken(input.externalId, EXTERNAL_ID_MAX, 'externalId', UserErrorCode.INVALID_EXTERNAL_ID, 'The external id');
    const idempotencyKey =
      input.idempotencyKey == null
        ? null
        : checkToken(input.idempotencyKey, IDEMPOTENCY_KEY_MAX, 'idempotencyKey', UserErrorCode.INVALID_IDEMPOTENCY_KEY, 'The idempotency key');
    const invalid = [email, name, externalId, idempotencyKey].filter(isUserError);
    if (invalid.length > 0 || isUserError(email) || isUserError(name) || isUserError(externalId) || isUserError(idempotencyKey)) {
      return failure(...invalid);
    }
    const requestHash = createHash('sha256').update(JSON.stringify([email.key, name.text, externalId])).digest('hex');

    const attempt = () =>
      this.db.transaction(async (manager) => {
        const now = this.clock.now();
        const trial = { plan: StoredPlan.TRIAL, trialEndsAt: new Date(now.getTime() + this.trialLengthDays * DAY_MS), userCount: 0 };
        if (idempotencyKey !== null) {
          // The key is read under the MSP's lock; a replay changes no totals.
          await this.rollups.move(manager, mspId, null, null, { lock: true });
          const replay = await this.replay(manager, mspId, idempotencyKey, requestHash, now);
          if (replay) return replay;
          await this.rollups.move(manager, mspId, null, trial);
        }
        const customer = await insertAccount(this.db, manager, {
          kind: AccountKind.CUSTOMER,
          mspId,
          name: name.text,
          nameNormalized: name.key,
          nameKey: name.key,
          adminEmail: email.email,
          adminEmailKey: email.key,
          adminEmailVerifiedAt: null,
          externalId,
          externalIdKey: externalId,
          ...trial,
          licensedSeats: null,
          removedAt: null,
          removalReason: null,
          purgedAt: null,
          createdAt: now,
        }, (violated) => this.takenFields(manager, violated, mspId, email.key, name.key, externalId));
        if (idempotencyKey !== null) {
          await manager.insert(IdempotencyKeyEntity, { mspId, key: idempotencyKey, requestHash, accountId: customer.id, createdAt: now });
        }
        // Its audit entry goes in with the verification link's, one insert for both.
        await this.verification.issue(manager, principal, customer, 'CUSTOMER_ADDED', [
          {
            action: AuditAction.CUSTOMER_ADDED,
            mspId,
            target: toGlobalId('CustomerAccount', customer.accountNumber),
            details: { organizationName: customer.name, externalId: customer.externalId },
          },
        ]);
        // Read before the lock, which is then held for the event's writes and the commit only.
        const subscribers = await this.events.subscribersOf(mspId, WebhookEventType.CUSTOMER_CREATED);
        if (idempotencyKey === null) {
          // The MSP's lock and the new trial's place in its totals, one statement, taken after
          // the customer's own rows: concurrent adds to one MSP queue on this row, and from here
          // they wait only for the event and the commit. The rows above are new, so nothing else
          // waits on them, except a concurrent write of the same name, email or external id;
          // such a deadlock is retried (Database.transaction), and its retry meets the unique
          // index as usual.
          await this.rollups.move(manager, mspId, null, trial, { lock: true });
        }
        // Under the lock, as every change's event: an MSP's events get their ids in commit order,
        // so a partner paging `events(after:)` from its last cursor misses none.
        await this.events.emit(manager, mspId, WebhookEventType.CUSTOMER_CREATED, { customer: customerData(customer, now) }, undefined, subscribers);
        return customer;
      });

    try {
      return await runOutcome(attempt);
    } catch (error) {
      // Another instance stored the same key between our read and our insert: the retry replays it.
      if (this.db.uniqueViolation(error) === 'UQ_idempotency_keys_msp_key') return runOutcome(attempt);
      throw error;
    }
  }

  /**
   * Every field of a refused insert that is taken, for an answer that names them all at once; run
   * only after the insert hit a unique index (`violated`), so a successful add checks nothing
   * twice. Reads committed rows: the index waited for any concurrent writer of the same value.
   */
  private async takenFields(
    manager: EntityManager,
    violated: UserError,
    mspId: number,
    emailKey: string,
    nameKey: string,
    externalId: string | null,
  ): Promise<UserError[]> {
    const taken = [
      { error: emailTakenError(), found: () => emailTaken(manager, emailKey) },
      { error: nameTakenError(), found: async () => (await manager.count(AccountEntity, { where: { mspId, nameKey } })) > 0 },
      {
        error: externalIdTakenError(),
        found: async () => externalId !== null && (await manager.count(AccountEntity, { where: { mspId, externalIdKey: externalId } })) > 0,
      },
    ];
    const errors: UserError[] = [];
    for (const { error, found } of taken) if (error.code === violated.code || (await found())) errors.push(error);
    return errors;
  }

  /**
   * The first result for a live idempotency key, IDEMPOTENCY_KEY_REUSED for other input, or null
   * (no key, an expired one, or one whose customer has been removed since).
   */
  private async replay(
    manager: EntityManager,
    mspId: number,
    key: string,
    requestHash: string,
    now: Date,
  ): Promise<AccountEntity | null> {
    const stored = await manager.findOne(IdempotencyKeyEntity, { where: { mspId, key } });
    if (!stored) return null;
    if (now.getTime() - stored.createdAt.getTime() >= IDEMPOTENCY_TTL_MS) {
      await manager.delete(IdempotencyKeyEntity, { id: stored.id });
      return null;
    }
    if (stored.requestHash !== requestHash) {
      throw new UserErrorsAbort([
        userError('idempotencyKey', UserErrorCode.IDEMPOTENCY_KEY_REUSED, 'This idempotency key was already used with different input.'),
      ]);
    }
    const first = await manager.findOneBy(AccountEntity, { id: stored.accountId, mspId });
    if (first && !first.removedAt) return first;
    // Removed by support since: the MSP may no longer see it, so the key is spent and the
    // request is taken as new (its email stays taken unless the customer was purged).
    await manager.delete(IdempotencyKeyEntity, { id: stored.id });
    return null;
  }

  /**
   * Whether an address could be a new customer's admin email: INVALID when it is not a valid
   * address, TAKEN when any account holds it (never saying which).
   */
  async emailAvailability(email: string): Promise<{ available: boolean; reason: 'INVALID' | 'TAKEN' | null }> {
    const checked = checkEmail(email);
    if (isUserError(checked)) return { available: false, reason: 'INVALID' };
    if (await emailTaken(this.db.manager, checked.key)) return { available: false, reason: 'TAKEN' };
    return { available: true, reason: null };
  }

  /**
   * Customers by row id within the caller's tenant; missing ids are absent from the map.
   * Staff also find removed customers; MSP keys never do.
   */
  async findByIds(principal: Principal, ids: readonly number[]): Promise<Map<number, AccountEntity>> {
    const query = this.db.manager.createQueryBuilder(AccountEntity, 'a').where({ id: In([...ids]), kind: AccountKind.CUSTOMER });
    this.scope(query, principal, { removedForStaff: true });
    return new Map((await query.getMany()).map((a) => [a.id, a]));
  }

  /** A current customer by global id within the caller's tenant, or null (a malformed id is an unknown id). */
  async findByGlobalId(principal: Principal, customerId: string): Promise<AccountEntity | null> {
    const accountNumber = accountNumberOf(customerId, 'CustomerAccount');
    return accountNumber === null ? null : this.findByAccountNumber(principal, accountNumber);
  }

  /** A current (not removed) customer by account number within the caller's tenant, or null: what mutations act on. */
  async findByAccountNumber(principal: Principal, accountNumber: string): Promise<AccountEntity | null> {
    const query = this.db.manager.createQueryBuilder(AccountEntity, 'a').where({ accountNumber, kind: AccountKind.CUSTOMER });
    this.scope(query, principal);
    return query.getOne();
  }

  /**
   * Customers by account number within the caller's tenant (for `customer` and `node`).
   * Staff also find removed customers; MSP keys never do.
   */
  async findByAccountNumbers(principal: Principal, numbers: readonly string[]): Promise<Map<string, AccountEntity>> {
    if (numbers.length === 0) return new Map();
    const query = this.db.manager.createQueryBuilder(AccountEntity, 'a').where({ accountNumber: In([...numbers]), kind: AccountKind.CUSTOMER });
    this.scope(query, principal, { removedForStaff: true });
    return new Map((await query.getMany()).map((a) => [a.accountNumber, a]));
  }

  /**
   * Confines a query on customers (alias `a`) to the caller's MSP and its current customers;
   * staff see every MSP's, and with `removedForStaff` removed customers too.
   */
  private scope(query: SelectQueryBuilder<AccountEntity>, principal: Principal, options: { removedForStaff?: boolean } = {}): void {
    const tenant = tenantOf(principal);
    if (tenant !== null) query.andWhere('a.msp_id = :tenant', { tenant });
    if (tenant !== null || !options.removedForStaff) query.andWhere('a.removed_at IS NULL');
  }
}
