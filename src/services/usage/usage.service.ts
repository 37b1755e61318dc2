import { Database } from '../../database/data-source';
import { AccountEntity, AccountKind, UsageSnapshotEntity } from '../../entities';
import { AuditAction, AuditService } from '../audit.service';
import { Clock, DAY_MS } from '../clock';
import { AppError } from '../errors';
import { toGlobalId } from '../global-id';
import { Principal } from '../principal';
import { SubscriptionState, monitoredUserCount, subscriptionState } from '../subscription/subscription-rule';

/** The longest range `Msp.usage` answers, in days. */
export const USAGE_RANGE_MAX_DAYS = 92;
const BATCH = 500;

export const utcDay = (at: Date) => at.toISOString().slice(0, 10);

export interface CustomerUsage {
  customerId: string;
  accountNumber: string;
  organizationName: string;
  state: SubscriptionState;
  licensedSeats: number | null;
  userCount: number;
  monitoredUsers: number;
  billable: number;
}

export interface UsageDay {
  /** UTC midnight of the day. */
  date: Date;
  recorded: boolean;
  billableTotal: number;
  customers: CustomerUsage[];
}

/**
 * Usage history for billing: one snapshot per current customer per UTC day of its state, seats,
 * users and monitored users (the subscription rule's TypeScript form), and the MSP's days.
 * Billable: the monitored users of a PAID customer (the dashboard's billable total).
 */
export class UsageService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  /**
   * Records today's snapshot of every current customer that has none yet (the daily job, safe
   * from any instance: the unique (customer, day) index keeps one). With `replace`, today's
   * snapshots are taken again (staff on demand). Returns how many were written.
   */
  async recordSnapshots(options: { replace?: boolean } = {}): Promise<number> {
    const now = this.clock.now();
    const day = utcDay(now);
    let written = 0;
    let afterId = 0;
    for (;;) {
      const query = this.db.manager
        .createQueryBuilder(AccountEntity, 'a')
        .where('a.kind = :customer AND a.msp_id IS NOT NULL AND a.removed_at IS NULL AND a.id > :afterId', { customer: AccountKind.CUSTOMER, afterId })
        .orderBy('a.id', 'ASC')
        .limit(BATCH);
      if (!options.replace) {
        query.andWhere('NOT EXISTS (SELECT 1 FROM usage_snapshots s WHERE s.account_id = a.id AND s.day = :day)', { day });
      }
      const customers = await query.getMany();
      if (customers.length === 0) return written;
      afterId = customers[customers.length - 1].id;
      const rows = customers.map((c) => {
        const state = subscriptionState(c, now);
        const monitored = monitoredUserCount(c.userCount, state);
        return Object.assign(new UsageSnapshotEntity(), {
          mspId: c.mspId as number,
          accountId: c.id,
          day,
          state,
          licensedSeats: c.plan === 'PAID' ? c.licensedSeats : null,
          userCount: c.userCount,
          monitoredUsers: monitored,
          billable: state === SubscriptionState.PAID ? monitored : 0,
          takenAt: now,
        });
      });
      await this.db.transaction(async (manager) => {
        const ids = rows.map((r) => r.accountId);
        // A concurrent daily run may have written some: take them over rather than fail the batch.
        await manager.createQueryBuilder().delete().from(UsageSnapshotEntity).where('day = :day AND account_id IN (:...ids)', { day, ids }).execute();
        await manager.insert(UsageSnapshotEntity, rows);
      });
      written += rows.length;
    }
  }

  /** Staff: takes today's snapshots again now, audited. Returns how many. */
  async recordOnDemand(principal: Principal): Promise<number> {
    const written = await this.recordSnapshots({ replace: true });
    await this.db.transaction((manager) =>
      this.audit.record(manager, principal, { action: AuditAction.USAGE_SNAPSHOT_RECORDED, mspId: null, details: { day: utcDay(this.clock.now()), customers: written } }),
    );
    return written;
  }

  /**
   * The MSP's usage per UTC day from `from` to `to` (inclusive, at most 92 days): each day's
   * billable total and per-customer figures; a day without snapshots says so (`recorded` false).
   */
  async usage(mspId: number, from: Date, to: Date): Promise<UsageDay[]> {
    const first = Date.parse(`${utcDay(from)}T00:00:00.000Z`);
    const last = Date.parse(`${utcDay(to)}T00:00:00.000Z`);
    const days = Math.round((last - first) / DAY_MS) + 1;
    if (!(days >= 1 && days <= USAGE_RANGE_MAX_DAYS)) {
      throw new AppError('BAD_USER_INPUT', `\`to\` must be on or after \`from\`, at most ${USAGE_RANGE_MAX_DAYS} days in all.`);
    }
    const rows = await this.db.manager
      .createQueryBuilder(UsageSnapshotEntity, 's')
      .innerJoinAndMapOne('s.account', AccountEntity, 'a', 'a.id = s.account_id')
      .where('s.msp_id = :mspId AND s.day >= :from AND s.day <= :to', { mspId, from: utcDay(new Date(first)), to: utcDay(new Date(last)) })
      .orderBy('s.day', 'ASC')
      .addOrderBy('a.account_number', 'ASC')
      .getMany();
    const byDay = new Map<string, CustomerUsage[]>();
    for (const row of rows as Array<UsageSnapshotEntity & { account: AccountEntity }>) {
      const list = byDay.get(row.day) ?? [];
      list.push({
        customerId: toGlobalId('CustomerAccount', row.account.accountNumber),
        accountNumber: row.account.accountNumber,
        organizationName: row.account.name,
        state: row.state as SubscriptionState,
        licensedSeats: row.licensedSeats,
        userCount: row.userCount,
        monitoredUsers: row.monitoredUsers,
        billable: row.billable,
      });
      byDay.set(row.day, list);
    }
    return Array.from({ length: days }, (_, i) => {
      const date = new Date(first + i * DAY_MS);
      const customers = byDay.get(utcDay(date)) ?? [];
      return { date, recorded: byDay.has(utcDay(date)), billableTotal: customers.reduce((sum, c) => sum + c.billable, 0), customers };
    });
  }
}
