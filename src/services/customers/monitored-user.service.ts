import { In } from 'typeorm';
import { Database } from '../../database/data-source';
import { AccountEntity, AccountKind, MonitoredUserEntity } from '../../entities';
import { AuditAction, AuditService } from '../audit.service';
import { Clock } from '../clock';
import { CustomerService } from './customer.service';
import { Outcome, UserErrorCode, UserErrorsAbort, failure, runOutcome, userError } from '../errors';
import { accountNumberOf, rowIdOf, toGlobalId } from '../global-id';
import { customerNotFound } from '../user-errors';
import { checkDisplayName, checkIdentity, isUserError } from '../text/text-rules';
import { Page, PageArgs, cursorValues, encodeCursor, resolvePage, toPage, readKeysetRows } from '../pagination';
import { Principal, isStaff, tenantOf } from '../principal';
import { RollupService } from '../subscription/rollup.service';
import {
  FREEMIUM_USER_LIMIT,
  SubscriptionState,
  byFirstSeen,
  freemiumMonitoredIds,
  mayAddMonitoredUserSql,
  rankedUsersSql,
  subscriptionState,
} from '../subscription/subscription-rule';
import { WebhookEventService, customerData, monitoredUserData } from '../webhooks/webhook-event.service';
import { WebhookEventType } from '../webhooks/webhook-event-type';

export interface RegisterMonitoredUserInput {
  customerId: string;
  identity: string;
  displayName?: string | null;
}

const ORDERING = 'FIRST_SEEN';

/** A customer's first page of users, with the users it keeps monitoring should it be on Freemium. */
export interface FirstPage {
  page: Page<MonitoredUserEntity>;
  freemiumMonitoredIds: Set<number>;
}

/** A customer's first page of users, of a given size. */
export interface FirstPageKey {
  accountId: number;
  first: number | null | undefined;
}

/** The batched, per-request reads the monitored-user rules use (the request's DataLoaders fit). */
export interface MonitoredUserReads {
  customer: { load(id: number): Promise<AccountEntity | null>; prime(id: number, customer: AccountEntity): unknown };
  freemiumMonitoredIds: { load(accountId: number): Promise<Set<number>>; prime(accountId: number, ids: Set<number>): unknown };
  monitoredUserFirstPage: { load(key: FirstPageKey): Promise<FirstPage> };
}

const cursorOf = (u: MonitoredUserEntity) => encodeCursor(ORDERING, { value: u.firstSeenAt.toISOString(), id: u.id });

/** The people a customer account monitors, and the Freemium cap on them. */
export class MonitoredUserService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly rollups: RollupService,
    private readonly audit: AuditService,
    private readonly customers: CustomerService,
    private readonly events: WebhookEventService,
  ) {}

  /**
   * Registers an identity with a customer, or, when it is already registered (compared
   * case-insensitively), records that it was seen now. A new identity on a Freemium account
   * that monitors 3 already is refused; the cap is a conditional update of the counter in the
   * same transaction, so concurrent registrations cannot pass it.
   * User errors: NOT_FOUND (customerId), INVALID_IDENTITY, INVALID_DISPLAY_NAME, FREEMIUM_LIMIT_REACHED.
   */
  async register(principal: Principal, input: RegisterMonitoredUserInput): Promise<Outcome<MonitoredUserEntity>> {
    const identity = checkIdentity(input.identity);
    const displayName = input.displayName == null ? null : checkDisplayName(input.displayName);
    const invalid = [identity, displayName].filter(isUserError);
    if (invalid.length > 0 || isUserError(identity) || isUserError(displayName)) return failure(...invalid);
    const accountNumber = accountNumberOf(input.customerId, 'CustomerAccount');
    if (accountNumber === null) return failure(customerNotFound());
    // An MSP key acts within its own MSP, whose lock comes before the one read of the customer;
    // for staff, the customer's MSP is read first.
    const mspId = isStaff(principal) ? ((await this.customers.findByAccountNumber(principal, accountNumber))?.mspId ?? null) : principal.mspId;
    if (mspId === null) return failure(customerNotFound());

    return runOutcome(() =>
      this.db.transaction(async (manager) => {
        await this.rollups.move(manager, mspId, null, null, { lock: true });
        const now = this.clock.now();
        const fresh = await manager.findOne(AccountEntity, { where: { accountNumber, kind: AccountKind.CUSTOMER, mspId } });
        if (!fresh || fresh.removedAt) throw new UserErrorsAbort([customerNotFound()]);
        const existing = await manager.findOne(MonitoredUserEntity, { where: { accountId: fresh.id, identityKey: identity.key } });
        if (existing) {
          existing.lastSeenAt = now;
          if (displayName) existing.displayName = displayName.text;
          await manager.update(MonitoredUserEntity, { id: existing.id }, { lastSeenAt: now, displayName: existing.displayName });
          await this.audit.record(manager, principal, {
            action: AuditAction.MONITORED_USER_REGISTERED,
            mspId,
            target: toGlobalId('MonitoredUser', existing.id),
            details: { customer: toGlobalId('CustomerAccount', fresh.accountNumber), seenAgain: true },
          });
          return existing;
        }
        const mayAdd = mayAddMonitoredUserSql(now);
        const counted = await manager
          .createQueryBuilder()
          .update(AccountEntity)
          .set({ userCount: () => 'user_count + 1' })
          .where('id = :id', { id: fresh.id })
          .andWhere(mayAdd.sql, mayAdd.parameters)
          .execute();
        if (!counted.affected) {
          throw new UserErrorsAbort([
            userError(
              'identity',
              UserErrorCode.FREEMIUM_LIMIT_REACHED,
              `This customer's trial has expired and its Freemium plan monitors at most ${FREEMIUM_USER_LIMIT} users.`,
            ),
          ]);
        }
        const user = Object.assign(new MonitoredUserEntity(), {
          accountId: fresh.id,
          identity: identity.text,
          identityKey: identity.key,
          displayName: displayName?.text ?? identity.text,
          firstSeenAt: now,
          lastSeenAt: now,
        });
        user.id = Number((await manager.insert(MonitoredUserEntity, user)).identifiers[0].id);
        await this.rollups.move(manager, mspId, fresh, { ...fresh, userCount: fresh.userCount + 1 });
        await this.audit.record(manager, principal, {
          action: AuditAction.MONITORED_USER_REGISTERED,
          mspId,
          target: toGlobalId('MonitoredUser', user.id),
          details: { customer: toGlobalId('CustomerAccount', fresh.accountNumber), seenAgain: false },
        });
        await this.events.emit(manager, mspId, WebhookEventType.MONITORED_USER_REGISTERED, { customer: customerData(fresh, now), monitoredUser: monitoredUserData(user) });
        return user;
      }),
    );
  }

  /**
   * Removes a monitored user from its customer; the payload shows the user as it was.
   * User errors: NOT_FOUND (id).
   */
  async remove(principal: Principal, id: string): Promise<Outcome<MonitoredUserEntity>> {
    const notFound = () => userError('id', UserErrorCode.NOT_FOUND, 'No monitored user with this id.');
    const rowId = rowIdOf(id, 'MonitoredUser');
    const found = rowId === null ? undefined : (await this.findByIds(principal, [rowId])).get(rowId);
    if (!found) return failure(notFound());
    return runOutcome(() =>
      this.db.transaction(async (manager) => {
        const asOf = await this.rollups.lock(manager, found.mspId);
        const user = await manager.findOne(MonitoredUserEntity, { where: { id: found.user.id } });
        const customer = await manager.findOne(AccountEntity, { where: { id: found.user.accountId } });
        if (!user || !customer || customer.removedAt) throw new UserErrorsAbort([notFound()]);
        await manager.delete(MonitoredUserEntity, { id: user.id });
        await manager.update(AccountEntity, { id: customer.id }, { userCount: () => 'user_count - 1' });
        await this.rollups.apply(manager, found.mspId, asOf, customer, { ...customer, userCount: customer.userCount - 1 });
        await this.audit.record(manager, principal, {
          action: AuditAction.MONITORED_USER_REMOVED,
          mspId: found.mspId,
          target: toGlobalId('MonitoredUser', user.id),
          details: { customer: toGlobalId('CustomerAccount', customer.accountNumber), identity: user.identity },
        });
        await this.events.emit(manager, found.mspId, WebhookEventType.MONITORED_USER_REMOVED, { customer: customerData(customer, this.clock.now()), monitoredUser: monitoredUserData(user) });
        return user;
      }),
    );
  }

  /** Monitored users by row id, confined to the caller's tenant, with their customer's MSP. */
  async findByIds(principal: Principal, ids: readonly number[]): Promise<Map<number, { user: MonitoredUserEntity; mspId: number }>> {
    const query = this.db.manager
      .createQueryBuilder(MonitoredUserEntity, 'u')
      .innerJoin(AccountEntity, 'a', 'a.id = u.account_id AND a.kind = :customer AND a.removed_at IS NULL', {
        customer: AccountKind.CUSTOMER,
      })
      .addSelect('a.msp_id', 'msp_id')
      .where({ id: In([...ids]) });
    const tenant = tenantOf(principal);
    if (tenant !== null) query.andWhere('a.msp_id = :tenant', { tenant });
    const { entities, raw } = await query.getRawAndEntities<{ u_id: number; msp_id: number }>();
    const mspOf = new Map(raw.map((r) => [Number(r.u_id), Number(r.msp_id)]));
    return new Map(entities.map((user) => [user.id, { user, mspId: mspOf.get(user.id)! }]));
  }

  /**
   * A customer's users, first seen first: a first page (no cursor) of a page of customers in one
   * batched read, which also tells which users Freemium keeps; a cursor page on its own.
   */
  async usersOf(customer: AccountEntity, args: PageArgs, reads: MonitoredUserReads): Promise<Page<MonitoredUserEntity>> {
    reads.customer.prime(customer.id, customer);
    if (args.after != null || args.before != null || args.last != null) return this.list(customer.id, args);
    const first = await reads.monitoredUserFirstPage.load({ accountId: customer.id, first: args.first });
    reads.freemiumMonitoredIds.prime(customer.id, first.freemiumMonitoredIds);
    return first.page;
  }

  /** Whether a user is monitored now: every user is, except on Freemium beyond the first 3 by (first seen, id). */
  async isMonitored(user: MonitoredUserEntity, now: Date, reads: MonitoredUserReads): Promise<boolean> {
    const customer = await reads.customer.load(user.accountId);
    if (!customer || subscriptionState(customer, now) !== SubscriptionState.EXPIRED_TRIAL) return true;
    return (await reads.freemiumMonitoredIds.load(customer.id)).has(user.id);
  }

  /** A customer's users in the order they were first seen (ties by id). */
  async list(accountId: number, args: PageArgs): Promise<Page<MonitoredUserEntity>> {
    const request = resolvePage(args, ORDERING, cursorValues.instant);
    const query = this.db.manager.createQueryBuilder(MonitoredUserEntity, 'u').where('u.account_id = :accountId', { accountId });
    const rows = await readKeysetRows(query, request, { column: 'u.first_seen_at', id: 'u.id', direction: 'ASC', instant: true });
    return toPage(rows, request, cursorOf);
  }

  /**
   * The first page (`first`, no cursor) of several customers' users in one statement, so a page
   * of customers can show each one's first users without a read per customer. It reads at least
   * the first 3 of each, which are also the ones a Freemium account keeps monitoring.
   */
  async firstPages(accountIds: readonly number[], first: number | null | undefined): Promise<Map<number, FirstPage>> {
    const request = resolvePage({ first }, ORDERING);
    const result = new Map<number, FirstPage>();
    if (accountIds.length === 0) return result;
    const fetch = Math.max(request.limit + 1, FREEMIUM_USER_LIMIT);
    const rows = await this.db.manager
      .createQueryBuilder(MonitoredUserEntity, 'u')
      .where(
        `u.id IN (SELECT ranked.id FROM (${rankedUsersSql(':...accountIds')}) ranked WHERE ranked.position <= :fetch)`,
        { accountIds: [...accountIds], fetch },
      )
      .getMany();
    const byAccount = new Map<number, MonitoredUserEntity[]>(accountIds.map((id) => [id, []]));
    for (const row of rows) byAccount.get(row.accountId)?.push(row);
    for (const [accountId, users] of byAccount) {
      users.sort(byFirstSeen);
      result.set(accountId, {
        page: toPage(users.slice(0, request.limit + 1), request, cursorOf),
        freemiumMonitoredIds: freemiumMonitoredIds(users),
      });
    }
    return result;
  }

  /** The ids of the users a Freemium account keeps monitoring: its first 3 by (first seen, id). */
  async freemiumMonitoredIds(accountIds: readonly number[]): Promise<Map<number, Set<number>>> {
    const rows: Array<{ id: number; account_id: number }> = await this.db.manager.query(
      `SELECT id, account_id FROM (${rankedUsersSql(accountIds.map(() => '?').join(', '))}) ranked WHERE position <= ${FREEMIUM_USER_LIMIT}`,
      [...accountIds],
    );
    const result = new Map<number, Set<number>>(accountIds.map((id) => [id, new Set<number>()]));
    for (const row of rows) result.get(Number(row.account_id))?.add(Number(row.id));
    return result;
  }
}
