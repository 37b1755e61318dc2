import { EntityManager } from 'typeorm';
import { Database } from '../../database/data-source';
import { entityColumns } from '../../database/raw-entities';
import { select } from '../../database/select';
import { AccountEntity, MspRollupEntity } from '../../entities';
import { Clock } from '../clock';
import {
  SubscriptionFacts,
  activeTrialAtSql,
  SubscriptionState,
  freemiumUserCount,
  freemiumUserCountSql,
  subscriptionState,
  subscriptionStateSql,
  trialEndedAroundWatermarkSql,
} from './subscription-rule';

/** One MSP's customers and monitored users by subscription state. */
export interface MspTotals {
  paid: number;
  activeTrials: number;
  expiredTrials: number;
  /** Monitored users of paid customers: what the MSP is billed for. */
  paidUsers: number;
  activeTrialUsers: number;
  /** Capped at the Freemium limit per customer. */
  expiredTrialUsers: number;
}

/** A customer's contribution to its MSP's totals; null when it is not counted (removed). */
export type Contribution = SubscriptionFacts | null;

interface Buckets {
  paidCount: number;
  paidUsers: number;
  activeCount: number;
  activeUsers: number;
  expiredCount: number;
  expiredUsers: number;
}

const EMPTY: Buckets = { paidCount: 0, paidUsers: 0, activeCount: 0, activeUsers: 0, expiredCount: 0, expiredUsers: 0 };

/**
 * A rollup row's buckets moved from its watermark to `now`: trials that ended in between leave
 * "active" for "expired" (capped users); if the clock stands before the watermark, they return.
 */
function bucketsAsOfNow(row: MspRollupEntity, moved: Moved | undefined, now: Date): Buckets {
  const shift = moved ?? { count: 0, users: 0, cappedUsers: 0 };
  const sign = row.asOf.getTime() <= now.getTime() ? 1 : -1;
  return {
    paidCount: row.paidCount,
    paidUsers: row.paidUsers,
    activeCount: row.activeCount - sign * shift.count,
    activeUsers: row.activeUsers - sign * shift.users,
    expiredCount: row.expiredCount + sign * shift.count,
    expiredUsers: row.expiredUsers + sign * shift.cappedUsers,
  };
}

/** Which rollup bucket a customer falls in, judged against the rollup's watermark. */
function bucketsOf(facts: Contribution, asOf: Date): Buckets {
  if (!facts) return EMPTY;
  switch (subscriptionState(facts, asOf)) {
    case SubscriptionState.PAID:
      return { ...EMPTY, paidCount: 1, paidUsers: facts.userCount };
    case SubscriptionState.ACTIVE_TRIAL:
      return { ...EMPTY, activeCount: 1, activeUsers: facts.userCount };
    case SubscriptionState.EXPIRED_TRIAL:
      return { ...EMPTY, expiredCount: 1, expiredUsers: freemiumUserCount(facts.userCount) };
  }
}

/**
 * A contribution as SQL terms over the rollup row it is applied to: each bucket's value, where
 * it depends on whether the customer is an active trial at the row's watermark `as_of`, as a
 * CASE on that (the rule itself stays `bucketsOf`, judged either side of the trial's end).
 */
function bucketTermsAtWatermark(facts: SubscriptionFacts, tag: string): { terms: Record<keyof Buckets, string>; parameters: Record<string, unknown> } {
  const active = activeTrialAtSql(facts, 'as_of', tag);
  const otherwise = bucketsOf(facts, facts.trialEndsAt ?? new Date(0));
  const whenActive = facts.trialEndsAt ? bucketsOf(facts, new Date(facts.trialEndsAt.getTime() - 1)) : otherwise;
  const terms = {} as Record<keyof Buckets, string>;
  for (const key of Object.keys(COLUMNS) as Array<keyof Buckets>) {
    terms[key] = whenActive[key] === otherwise[key] ? String(otherwise[key]) : `CASE WHEN ${active.sql} THEN ${whenActive[key]} ELSE ${otherwise[key]} END`;
  }
  return { terms, parameters: active.parameters };
}

const COLUMNS: Record<keyof Buckets, string> = {
  paidCount: 'paid_count',
  paidUsers: 'paid_users',
  activeCount: 'active_count',
  activeUsers: 'active_users',
  expiredCount: 'expired_count',
  expiredUsers: 'expired_users',
};

interface Moved {
  count: number;
  users: number;
  cappedUsers: number;
}

/**
 * The trials an MSP's rollup had to move as of some instant, kept for the next reads: it holds
 * while the rollup row has the same version and watermark (every change to the MSP's customers
 * takes its lock, which counts the version up) and until the next trial of the MSP ends.
 */
interface KnownMove {
  version: number;
  asOf: number;
  /** Read at this instant, valid up to (not including) `until`, the next trial end after it. */
  from: number;
  until: number;
  moved: Moved;
}

/** MSPs whose moves a process keeps; past it the map starts over (a few hundred bytes each). */
const KNOWN_MOVES_MAX = 20_000;

/**
 * Keeps per-MSP totals by subscription state so that the dashboard reads one row per MSP
 * instead of summing its customers. Every change to a customer calls `lock` and then `apply`
 * inside its transaction. Trials expire by the clock with no write; the rollup buckets them
 * against its watermark `asOf`, and readers move the trials that ended between `asOf` and now
 * from "active" to "expired" with one range read of IDX_accounts_msp_state. `advance` (the
 * expiry pass, run periodically) folds that range into the stored buckets so it stays small.
 */
export class RollupService {
  private readonly knownMoves = new Map<number, KnownMove>();
  private rollupSql: string | undefined;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /** Creates the (empty) rollup of a new MSP; call in the transaction that creates the MSP. */
  async create(manager: EntityManager, mspId: number): Promise<void> {
    await manager.insert(MspRollupEntity, { mspId, asOf: this.clock.now(), ...EMPTY, version: 0 });
  }

  /**
   * Takes the MSP's write lock (an update of its rollup row, which both engines serialize)
   * and returns the watermark to bucket changes against. Every transaction that changes an
   * MSP's customers calls this first, so changes to one MSP are serialized.
   */
  async lock(manager: EntityManager, mspId: number): Promise<Date> {
    await manager
      .createQueryBuilder()
      .update(MspRollupEntity)
      .set({ version: () => 'version + 1' })
      .where('msp_id = :mspId', { mspId })
      .execute();
    const row = await manager.findOne(MspRollupEntity, { where: { mspId }, select: { mspId: true, asOf: true } });
    if (!row) throw new Error(`MSP ${mspId} has no rollup row`);
    return row.asOf;
  }

  /** Moves a customer's contribution from `before` to `after` (null: not counted). */
  async apply(manager: EntityManager, mspId: number, asOf: Date, before: Contribution, after: Contribution): Promise<void> {
    const old = bucketsOf(before, asOf);
    const now = bucketsOf(after, asOf);
    const changes: Record<string, () => string> = {};
    for (const key of Object.keys(COLUMNS) as Array<keyof Buckets>) {
      const delta = now[key] - old[key];
      if (delta !== 0) changes[key] = () => `${COLUMNS[key]} ${delta > 0 ? '+' : '-'} ${Math.abs(delta)}`;
    }
    if (Object.keys(changes).length === 0) return;
    await manager.createQueryBuilder().update(MspRollupEntity).set(changes).where('msp_id = :mspId', { mspId }).execute();
  }

  /**
   * `apply` without reading the watermark first: the contribution is judged against the rollup
   * row's own `as_of` inside the UPDATE. With `lock`, the same statement also takes the MSP's
   * lock (as `lock` does), so a change that needs no other read under the lock is one statement.
   */
  async move(manager: EntityManager, mspId: number, before: Contribution, after: Contribution, options: { lock?: boolean } = {}): Promise<void> {
    const changes: Record<string, () => string> = {};
    if (options.lock) changes.version = () => 'version + 1';
    const parameters: Record<string, unknown> = { mspId };
    const sides = [
      { facts: after, sign: '+', tag: 'After' },
      { facts: before, sign: '-', tag: 'Before' },
    ].filter((side): side is { facts: SubscriptionFacts; sign: string; tag: string } => side.facts !== null);
    const terms = sides.map((side) => ({ ...side, ...bucketTermsAtWatermark(side.facts, side.tag) }));
    for (const side of terms) Object.assign(parameters, side.parameters);
    for (const key of Object.keys(COLUMNS) as Array<keyof Buckets>) {
      const parts = terms.filter((side) => side.terms[key] !== '0').map((side) => `${side.sign} ${side.terms[key]}`);
      if (parts.length > 0) changes[key] = () => `${COLUMNS[key]} ${parts.join(' ')}`;
    }
    if (Object.keys(changes).length === 0) return;
    const result = await manager.createQueryBuilder().update(MspRollupEntity).set(changes).where('msp_id = :mspId').setParameters(parameters).execute();
    if (options.lock && !result.affected) throw new Error(`MSP ${mspId} has no rollup row`);
  }

  /**
   * The totals of several MSPs as of now. Usually one read of their rollup rows: the trials that
   * ended between a row's watermark and now are known from an earlier read while the row is
   * unchanged and no trial has ended since (`KnownMove`). Otherwise, for those MSPs, one more
   * statement joins each row to that range of IDX_accounts_msp_state and finds the next trial
   * end. In a transaction it always reads the range (its own uncommitted rows are nobody else's).
   */
  async totals(mspIds: readonly number[]): Promise<Map<number, MspTotals>> {
    const now = this.clock.now();
    const result = new Map<number, MspTotals>();
    for (const { mspId, buckets: current } of await this.bucketsWithKnownMoves(mspIds, now)) {
      result.set(mspId, {
        paid: current.paidCount,
        paidUsers: current.paidUsers,
        activeTrials: current.activeCount,
        activeTrialUsers: current.activeUsers,
        expiredTrials: current.expiredCount,
        expiredTrialUsers: current.expiredUsers,
      });
    }
    return result;
  }

  /**
   * The expiry pass: folds trials that ended since each rollup's watermark into its stored
   * buckets and moves the watermark to now. Safe to run at any time, from any instance.
   * Returns how many MSPs it advanced.
   */
  async advance(batchSize = 200): Promise<number> {
    let advanced = 0;
    let lastId = 0;
    for (;;) {
      const ids = await this.db.manager
        .createQueryBuilder(MspRollupEntity, 'r')
        .select('r.msp_id', 'mspId')
        .where('r.msp_id > :lastId', { lastId })
        .orderBy('r.msp_id', 'ASC')
        .limit(batchSize)
        .getRawMany<{ mspId: number }>();
      if (ids.length === 0) return advanced;
      for (const { mspId } of ids) {
        await this.db.transaction(async (manager) => {
          await this.lock(manager, mspId);
          const now = this.clock.now();
          // Read in this transaction (select() joins it), after the lock.
          const [current] = await this.bucketsNow([mspId], now);
          if (!current) throw new Error(`MSP ${mspId} has no rollup row`);
          await manager.update(MspRollupEntity, { mspId }, { asOf: now, ...current.buckets });
        });
        advanced += 1;
        lastId = Number(mspId);
      }
    }
  }

  /**
   * Recomputes one MSP's rollup from its customer rows, as of now (bulk loads, repairs).
   * Takes the MSP's lock, so it is safe beside live traffic.
   */
  async rebuild(mspId: number): Promise<void> {
    await this.db.transaction(async (manager) => {
      await this.lock(manager, mspId);
      const now = this.clock.now();
      const customers = await manager
        .createQueryBuilder(AccountEntity, 'a')
        .select(['a.plan', 'a.trialEndsAt', 'a.userCount'])
        .where('a.msp_id = :mspId AND a.removed_at IS NULL', { mspId })
        .getMany();
      const sum = { ...EMPTY };
      for (const customer of customers) {
        const buckets = bucketsOf(customer, now);
        for (const key of Object.keys(COLUMNS) as Array<keyof Buckets>) sum[key] += buckets[key];
      }
      await manager.update(MspRollupEntity, { mspId }, { asOf: now, ...sum });
    });
  }

  /** `bucketsNow`, reusing the moves read before where they still hold (see `totals`). */
  private async bucketsWithKnownMoves(mspIds: readonly number[], now: Date): Promise<Array<{ mspId: number; buckets: Buckets }>> {
    if (this.db.currentRunner()) return this.bucketsNow(mspIds, now);
    const at = now.getTime();
    const rollups = entityColumns(this.db.dataSource, MspRollupEntity, 'r');
    // One text for every call (select() keeps its parse by text).
    this.rollupSql ??= `SELECT ${rollups.sql} FROM msp_rollups r WHERE r.msp_id IN (:...mspIds)`;
    const rows = await select(this.db, this.rollupSql, { mspIds: [...mspIds] });
    const found: Array<{ mspId: number; buckets: Buckets }> = [];
    const unknown: number[] = [];
    for (const raw of rows) {
      const row = rollups.read(raw)!;
      const known = this.knownMoves.get(row.mspId);
      if (known && known.version === row.version && known.asOf === row.asOf.getTime() && known.from <= at && at < known.until) {
        found.push({ mspId: row.mspId, buckets: bucketsAsOfNow(row, known.moved, now) });
      } else {
        unknown.push(row.mspId);
      }
    }
    if (unknown.length > 0) found.push(...(await this.bucketsNow(unknown, now, true)));
    return found;
  }

  private remember(row: MspRollupEntity, moved: Moved, now: Date, nextEnd: Date | null): void {
    // Only a read at or after the watermark, outside any transaction: committed rows only.
    if (now.getTime() < row.asOf.getTime() || this.db.currentRunner()) return;
    if (this.knownMoves.size >= KNOWN_MOVES_MAX) this.knownMoves.clear();
    this.knownMoves.set(row.mspId, {
      version: row.version,
      asOf: row.asOf.getTime(),
      from: now.getTime(),
      until: nextEnd ? nextEnd.getTime() : Number.POSITIVE_INFINITY,
      moved,
    });
  }

  /**
   * The buckets of several MSPs' rollups as of `now`, in one statement: each rollup row joined to
   * the trials that ended between its watermark and now, in either order (a range of
   * IDX_accounts_msp_state). Inside a transaction it reads in it.
   */
  private async bucketsNow(mspIds: readonly number[], now: Date, remember = false): Promise<Array<{ mspId: number; buckets: Buckets }>> {
    const ended = trialEndedAroundWatermarkSql('r.as_of', now, 'a');
    // With `remember`, also the next trial end after now: the earliest active trial's (the first
    // entry of the same index range).
    const active = subscriptionStateSql(SubscriptionState.ACTIVE_TRIAL, now, 'n', 'Next');
    const next = remember ? `, (SELECT MIN(n.trial_ends_at) FROM accounts n WHERE n.msp_id = r.msp_id AND n.removed_at IS NULL AND ${active.sql}) AS next_trial_end` : '';
    const rollups = entityColumns(this.db.dataSource, MspRollupEntity, 'r');
    const rows = await select(
      this.db,
      `SELECT ${rollups.sql}, COUNT(a.id) AS moved_count, COALESCE(SUM(a.user_count), 0) AS moved_users,
         COALESCE(SUM(${freemiumUserCountSql('a')}), 0) AS moved_capped_users${next}
       FROM msp_rollups r LEFT JOIN accounts a ON a.msp_id = r.msp_id AND a.removed_at IS NULL AND ${ended.sql}
       WHERE r.msp_id IN (:...mspIds) GROUP BY r.msp_id`,
      { ...ended.parameters, mspIds: [...mspIds], ...(remember ? active.parameters : {}) },
    );
    const trialEnd = this.db.dataSource.getMetadata(AccountEntity).findColumnWithPropertyName('trialEndsAt')!;
    return rows.map((raw) => {
      const row = rollups.read(raw)!;
      const moved = { count: Number(raw.moved_count), users: Number(raw.moved_users), cappedUsers: Number(raw.moved_capped_users) };
      if (remember) {
        const nextEnd = raw.next_trial_end == null ? null : (this.db.dataSource.driver.prepareHydratedValue(raw.next_trial_end, trialEnd) as Date);
        this.remember(row, moved, now, nextEnd);
      }
      return { mspId: row.mspId, buckets: bucketsAsOfNow(row, moved, now) };
    });
  }
}
