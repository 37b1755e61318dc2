import { DAY_MS } from '../clock';
import { StoredPlan } from '../../entities/enums';

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

/** Users monitored now: all of them, or the first three on Freemium. */
export function monitoredUserCount(userCount: number, state: SubscriptionState): number {
  const limit = monitoredUserLimit(state);
  return limit === null ? userCount : Math.min(userCount, limit);
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
