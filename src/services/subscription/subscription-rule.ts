import { DAY_MS } from '../clock';
import { StoredPlan } from '../../entities/enums';

/**
 * The subscription rule, in both of its forms: TypeScript predicates over loaded rows, and SQL
 * fragments over the `accounts` and `monitored_users` columns, built from the same constants.
 * test/subscription-rule.test.ts runs both over the same rows on each engine.
 *
 * - PAID: the stored plan is PAID.
 * - ACTIVE_TRIAL: a trial whose end lies after now (strictly).
 * - EXPIRED_TRIAL: any other trial (its end is now or past, or unset); it runs on Freemium,
 *   which monitors the first FREEMIUM_USER_LIMIT users by (first seen, id) and refuses more.
 */

/** Where a customer stands, derived from what is stored and the clock. */
export enum SubscriptionState {
  PAID = 'PAID',
  ACTIVE_TRIAL = 'ACTIVE_TRIAL',
  EXPIRED_TRIAL = 'EXPIRED_TRIAL',
}

/** The plan in effect: an expired trial runs on FREEMIUM. */
export enum Plan {
  PAID = 'PAID',
  TRIAL = 'TRIAL',
  FREEMIUM = 'FREEMIUM',
}

export const FREEMIUM_USER_LIMIT = 3;

/** The stored fields the derived state depends on. */
export interface SubscriptionFacts {
  plan: StoredPlan;
  trialEndsAt: Date | null;
  userCount: number;
  licensedSeats?: number | null;
}

// ---- TypeScript form ----

export function subscriptionState(facts: SubscriptionFacts, now: Date): SubscriptionState {
  if (facts.plan === StoredPlan.PAID) return SubscriptionState.PAID;
  return facts.trialEndsAt !== null && facts.trialEndsAt.getTime() > now.getTime()
    ? SubscriptionState.ACTIVE_TRIAL
    : SubscriptionState.EXPIRED_TRIAL;
}

export function planInEffect(state: SubscriptionState): Plan {
  if (state === SubscriptionState.PAID) return Plan.PAID;
  return state === SubscriptionState.ACTIVE_TRIAL ? Plan.TRIAL : Plan.FREEMIUM;
}

export function monitoredUserLimit(state: SubscriptionState): number | null {
  return state === SubscriptionState.EXPIRED_TRIAL ? FREEMIUM_USER_LIMIT : null;
}

/** The users a customer would keep monitoring on Freemium. */
export function freemiumUserCount(userCount: number): number {
  return Math.min(userCount, FREEMIUM_USER_LIMIT);
}

/** Users monitored now: all of them, or the first three on Freemium. */
export function monitoredUserCount(userCount: number, state: SubscriptionState): number {
  return state === SubscriptionState.EXPIRED_TRIAL ? freemiumUserCount(userCount) : userCount;
}

/** Whether one more user may be registered now: the Freemium cap refuses a 4th. */
export function mayAddMonitoredUser(facts: SubscriptionFacts, now: Date): boolean {
  return subscriptionState(facts, now) !== SubscriptionState.EXPIRED_TRIAL || facts.userCount < FREEMIUM_USER_LIMIT;
}

/** Whether a trial ended in (from, to]: active at `from`, expired at `to`. */
export function trialEndedBetween(facts: SubscriptionFacts, from: Date, to: Date): boolean {
  return (
    subscriptionState(facts, from) === SubscriptionState.ACTIVE_TRIAL &&
    subscriptionState(facts, to) === SubscriptionState.EXPIRED_TRIAL
  );
}

/** The order that decides which users Freemium keeps: first seen, then id. */
export function byFirstSeen(a: { firstSeenAt: Date; id: number }, b: { firstSeenAt: Date; id: number }): number {
  return a.firstSeenAt.getTime() - b.firstSeenAt.getTime() || a.id - b.id;
}

/** The ids of the users a Freemium account keeps monitoring, of all its users. */
export function freemiumMonitoredIds(users: ReadonlyArray<{ firstSeenAt: Date; id: number }>): Set<number> {
  return new Set([...users].sort(byFirstSeen).slice(0, FREEMIUM_USER_LIMIT).map((u) => u.id));
}

/** Whole days left, rounded up; 0 once expired; null for a paid customer. */
export function trialDaysRemaining(facts: SubscriptionFacts, now: Date): number | null {
  if (facts.plan === StoredPlan.PAID) return null;
  const left = (facts.trialEndsAt?.getTime() ?? 0) - now.getTime();
  return left > 0 ? Math.ceil(left / DAY_MS) : 0;
}

export function seatOverage(facts: SubscriptionFacts): number | null {
  if (facts.plan !== StoredPlan.PAID) return null;
  return Math.max(0, facts.userCount - (facts.licensedSeats ?? 0));
}

// ---- SQL form ----

/** A condition or expression with its named parameters (TypeORM's `:name`). */
export interface SqlFragment {
  sql: string;
  parameters: Record<string, unknown>;
}

/** An `accounts` column as the query names it: `a.plan`, or bare `plan` in an UPDATE (alias null). */
const column = (alias: string | null, name: 'plan' | 'trial_ends_at' | 'user_count') => (alias ? `${alias}.${name}` : name);

/**
 * The state as a condition on `accounts` at instant `now`. `tag` keeps the parameter names of
 * several instants in one query apart.
 */
export function subscriptionStateSql(state: SubscriptionState, now: Date, alias: string | null = 'a', tag = ''): SqlFragment {
  const plan = column(alias, 'plan');
  const ends = column(alias, 'trial_ends_at');
  const at = `subscriptionNow${tag}`;
  switch (state) {
    case SubscriptionState.PAID:
      return { sql: `${plan} = :subscriptionPaid`, parameters: { subscriptionPaid: StoredPlan.PAID } };
    case SubscriptionState.ACTIVE_TRIAL:
      return { sql: `(${plan} = :subscriptionTrial AND ${ends} > :${at})`, parameters: { subscriptionTrial: StoredPlan.TRIAL, [at]: now } };
    case SubscriptionState.EXPIRED_TRIAL:
      return {
        sql: `(${plan} = :subscriptionTrial AND (${ends} IS NULL OR ${ends} <= :${at}))`,
        parameters: { subscriptionTrial: StoredPlan.TRIAL, [at]: now },
      };
  }
}

/**
 * Whether a customer with these (known) facts is an active trial at a stored instant `at` (a
 * column, such as a rollup's watermark `as_of`): the reverse of `subscriptionStateSql`, where
 * the facts are the stored part. `tag` names the parameter.
 */
export function activeTrialAtSql(facts: SubscriptionFacts, at: string, tag = ''): SqlFragment {
  if (facts.plan !== StoredPlan.TRIAL || facts.trialEndsAt === null) return { sql: '1 = 0', parameters: {} };
  return { sql: `${at} < :trialEndsAt${tag}`, parameters: { [`trialEndsAt${tag}`]: facts.trialEndsAt } };
}

/** `freemiumUserCount` as an expression on `accounts`. */
export function freemiumUserCountSql(alias: string | null = 'a'): string {
  const users = column(alias, 'user_count');
  return `CASE WHEN ${users} > ${FREEMIUM_USER_LIMIT} THEN ${FREEMIUM_USER_LIMIT} ELSE ${users} END`;
}

/** `monitoredUserCount` as an expression on `accounts` at instant `now`. */
export function monitoredUserCountSql(now: Date, alias: string | null = 'a'): SqlFragment {
  const expired = subscriptionStateSql(SubscriptionState.EXPIRED_TRIAL, now, alias);
  return { sql: `CASE WHEN ${expired.sql} THEN ${freemiumUserCountSql(alias)} ELSE ${column(alias, 'user_count')} END`, parameters: expired.parameters };
}

/**
 * `mayAddMonitoredUser` as a condition on `accounts`: the condition of the conditional counter
 * update that enforces the cap, so concurrent registrations cannot pass it.
 */
export function mayAddMonitoredUserSql(now: Date, alias: string | null = null): SqlFragment {
  const notExpired = `NOT ${subscriptionStateSql(SubscriptionState.EXPIRED_TRIAL, now, alias).sql}`;
  return {
    sql: `(${notExpired} OR ${column(alias, 'user_count')} < ${FREEMIUM_USER_LIMIT})`,
    parameters: subscriptionStateSql(SubscriptionState.EXPIRED_TRIAL, now, alias).parameters,
  };
}

/**
 * `trialEndedBetween` as a condition on `accounts`; `tag` names this range's parameters. Active
 * at `from` (a trial ending after it) and expired at `to`: a trial ending after `from` has an
 * end, so "expired at to" narrows to `end <= to`, written so that both bounds reach the index
 * IDX_accounts_msp_state as one range.
 */
export function trialEndedBetweenSql(from: Date, to: Date, alias: string | null = 'a', tag = ''): SqlFragment {
  const active = subscriptionStateSql(SubscriptionState.ACTIVE_TRIAL, from, alias, `From${tag}`);
  const to_ = `subscriptionNowTo${tag}`;
  return { sql: `(${active.sql} AND ${column(alias, 'trial_ends_at')} <= :${to_})`, parameters: { ...active.parameters, [to_]: to } };
}

/**
 * `trialEndedBetween` over the span between `watermark` (an SQL expression, e.g. a rollup's
 * `as_of` column) and `now`, whichever comes first: trials that ended after the earlier of the
 * two and at or before the later. With the watermark a constant row's column (a rollup read by
 * its key), both bounds are constants to the planner and reach IDX_accounts_msp_state as one range.
 */
export function trialEndedAroundWatermarkSql(watermark: string, now: Date, alias: string | null = 'a'): SqlFragment {
  const ends = column(alias, 'trial_ends_at');
  const earlier = `CASE WHEN ${watermark} < :watermarkNow THEN ${watermark} ELSE :watermarkNow END`;
  const later = `CASE WHEN ${watermark} < :watermarkNow THEN :watermarkNow ELSE ${watermark} END`;
  return {
    sql: `(${column(alias, 'plan')} = :subscriptionTrial AND ${ends} > ${earlier} AND ${ends} <= ${later})`,
    parameters: { subscriptionTrial: StoredPlan.TRIAL, watermarkNow: now },
  };
}

/**
 * `monitored_users` rows of the given accounts (an SQL list, e.g. `:...accountIds`) with their
 * position in `byFirstSeen` order within their account: Freemium keeps positions 1 to 3.
 */
export function rankedUsersSql(accountIdList: string): string {
  return `SELECT id, account_id, ROW_NUMBER() OVER (PARTITION BY account_id ORDER BY first_seen_at, id) AS position
    FROM monitored_users WHERE account_id IN (${accountIdList})`;
}
