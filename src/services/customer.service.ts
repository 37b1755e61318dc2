import { createHash } from 'node:crypto';
import { EntityManager, In, SelectQueryBuilder } from 'typeorm';
import { Database } from '../database/data-source';
import { AccountEntity, AccountKind, IdempotencyKeyEntity, StoredPlan } from '../entities';
import { emailTaken, emailTakenError, externalIdTakenError, insertAccount, nameTakenError } from './account-store';
import { AuditAction, AuditService } from './audit.service';
import { Clock, DAY_MS } from './clock';
import { EmailVerificationService } from './email-verification.service';
import { accountNumberOf, toGlobalId } from './global-id';
import { Outcome, UserError, UserErrorCode, UserErrorsAbort, failure, runOutcome, userError } from './errors';
import { EXTERNAL_ID_MAX, IDEMPOTENCY_KEY_MAX, checkEmail, checkOrganizationName, checkToken, isUserError } from './text/text-rules';
import { CursorValueCheck, Page, PageArgs, cursorValues, encodeCursor, resolvePage, toPage, readKeysetRows } from './pagination';
import { Principal, tenantOf } from './principal';
import { MspTotals, RollupService } from './rollup.service';
import { whereAccountMatches } from './search';
import { FREEMIUM_USER_LIMIT, SubscriptionState } from './subscription';

export const IDEMPOTENCY_TTL_MS = DAY_MS;

export interface AddCustomerInput {
  adminEmail: string;
  organizationName: string;
  externalId?: string | null;
  idempotencyKey?: string | null;
}

export enum CustomerOrderField {
  ORGANIZATION_NAME = 'ORGANIZATION_NAME',
  CREATED_AT = 'CREATED_AT',
  USER_COUNT = 'USER_COUNT',
}

export enum OrderDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}

export interface CustomerOrder {
  field: CustomerOrderField;
  direction: OrderDirection;
}

export interface CustomerFilter {
  state?: SubscriptionState | null;
  search?: string | null;
  /** Removed customers too (staff only: the caller checks the role). */
  includeRemoved?: boolean | null;
}

export interface CustomerPage extends Page<AccountEntity> {
  totalCount(): Promise<number>;
  monitoredUserTotal(): Promise<number>;
}

interface SortColumn {
  column: string;
  /** The row's sort value, as its cursor carries it. */
  value: (a: AccountEntity) => string | number;
  /** What a cursor's value must look like for this column. */
  accepts: CursorValueCheck;
}

const SORT_COLUMNS: Record<CustomerOrderField, SortColumn> = {
  ORGANIZATION_NAME: { column: 'a.name_normalized', value: (a) => a.nameNormalized, accepts: cursorValues.text },
  CREATED_AT: { column: 'a.created_at', value: (a) => a.createdAt.toISOString(), accepts: cursorValues.instant },
  USER_COUNT: { column: 'a.user_count', value: (a) => a.userCount, accepts: cursorValues.count },
};

const MONITORED_USERS_SQL = `CASE WHEN a.plan = :trial AND (a.trial_ends_at IS NULL OR a.trial_ends_at <= :now)
  AND a.user_count > ${FREEMIUM_USER_LIMIT} THEN ${FREEMIUM_USER_LIMIT} ELSE a.user_count END`;

/** Customers of MSPs: adding them, finding them within the caller's tenant, listing them. */
export class CustomerService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly rollups: RollupService,
    private readonly audit: AuditService,
    private readonly verification: EmailVerificationService,
    private readonly trialLengthDays: number,
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
    const mspId = principal.mspId;
    if (mspId === null) throw new Error('addCustomer needs an MSP principal');
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
        const asOf = await this.rollups.lock(manager, mspId);
        const now = this.clock.now();
        if (idempotencyKey !== null) {
          const replay = await this.replay(manager, mspId, idempotencyKey, requestHash, now);
          if (replay) return replay;
        }
        const errors: UserError[] = [];
        if (await emailTaken(manager, email.key)) errors.push(emailTakenError());
        if (await manager.count(AccountEntity, { where: { mspId, nameKey: name.key } })) errors.push(nameTakenError());
        if (externalId !== null && (await manager.count(AccountEntity, { where: { mspId, externalIdKey: externalId } }))) {
          errors.push(externalIdTakenError());
        }
        if (errors.length > 0) throw new UserErrorsAbort(errors);
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
          plan: StoredPlan.TRIAL,
          trialEndsAt: new Date(now.getTime() + this.trialLengthDays * DAY_MS),
          licensedSeats: null,
          userCount: 0,
          removedAt: null,
          removalReason: null,
          purgedAt: null,
          createdAt: now,
        });
        if (idempotencyKey !== null) {
          await manager.insert(IdempotencyKeyEntity, { mspId, key: idempotencyKey, requestHash, accountId: customer.id, createdAt: now });
        }
        await this.rollups.apply(manager, mspId, asOf, null, customer);
        await this.audit.record(manager, principal, {
          action: AuditAction.CUSTOMER_ADDED,
          mspId,
          target: toGlobalId('CustomerAccount', customer.accountNumber),
          details: { organizationName: customer.name, externalId: customer.externalId },
        });
        await this.verification.issue(manager, principal, customer);
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
   * One page of an MSP's current customers, filtered by state and search, in the given order,
   * with lazily computed totals over the whole filtered set. Unsearched lists take their totals
   * from the rollups (`totalsOf`), searched ones from one aggregate query.
   */
  async listCustomers(
    mspId: number,
    filter: CustomerFilter,
    order: CustomerOrder,
    args: PageArgs,
    totalsOf: (mspId: number) => Promise<MspTotals>,
  ): Promise<CustomerPage> {
    const ordering = `${order.field}:${order.direction}`;
    const sort = SORT_COLUMNS[order.field];
    const request = resolvePage(args, ordering, sort.accepts);
    const now = this.clock.now();
    const base = () => this.filtered(mspId, filter, now);

    const summary = async () => {
      // The rollups count current customers only.
      if (!filter.search?.trim() && !filter.includeRemoved) return this.summaryFromTotals(await totalsOf(mspId), filter.state);
      const row = await base()
        .select('COUNT(*)', 'count')
        .addSelect(`COALESCE(SUM(${MONITORED_USERS_SQL}), 0)`, 'users')
        .setParameters({ trial: StoredPlan.TRIAL, now })
        .getRawOne<{ count: string; users: string }>();
      return { count: Number(row?.count ?? 0), users: Number(row?.users ?? 0) };
    };
    let summarized: Promise<{ count: number; users: number }> | undefined;
    const once = () => (summarized ??= summary());

    const rows = await readKeysetRows(base(), request, {
      column: sort.column,
      id: 'a.id',
      direction: order.direction,
      instant: order.field === CustomerOrderField.CREATED_AT,
    });
    const page = toPage(rows, request, (row) => encodeCursor(ordering, { value: sort.value(row), id: row.id }));
    return {
      ...page,
      totalCount: async () => (await once()).count,
      monitoredUserTotal: async () => (await once()).users,
    };
  }

  private summaryFromTotals(totals: MspTotals, state: SubscriptionState | null | undefined) {
    switch (state) {
      case SubscriptionState.PAID:
        return { count: totals.paid, users: totals.paidUsers };
      case SubscriptionState.ACTIVE_TRIAL:
        return { count: totals.activeTrials, users: totals.activeTrialUsers };
      case SubscriptionState.EXPIRED_TRIAL:
        return { count: totals.expiredTrials, users: totals.expiredTrialUsers };
      default:
        return {
          count: totals.paid + totals.activeTrials + totals.expiredTrials,
          users: totals.paidUsers + totals.activeTrialUsers + totals.expiredTrialUsers,
        };
    }
  }

  private filtered(mspId: number, filter: CustomerFilter, now: Date): SelectQueryBuilder<AccountEntity> {
    const query = this.db.manager.createQueryBuilder(AccountEntity, 'a').where('a.msp_id = :mspId', { mspId });
    if (!filter.includeRemoved) query.andWhere('a.removed_at IS NULL');
    if (filter.state) statePredicate(query, filter.state, now);
    whereAccountMatches(query, filter.search);
    return query;
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

/** The SQL form of a subscription state, with `now` from the one clock. */
export function statePredicate(query: SelectQueryBuilder<AccountEntity>, state: SubscriptionState, now: Date): void {
  if (state === SubscriptionState.PAID) {
    query.andWhere('a.plan = :paid', { paid: StoredPlan.PAID });
  } else if (state === SubscriptionState.ACTIVE_TRIAL) {
    query.andWhere('a.plan = :trial AND a.trial_ends_at > :stateNow', { trial: StoredPlan.TRIAL, stateNow: now });
  } else {
    query.andWhere('a.plan = :trial AND (a.trial_ends_at <= :stateNow OR a.trial_ends_at IS NULL)', {
      trial: StoredPlan.TRIAL,
      stateNow: now,
    });
  }
}
