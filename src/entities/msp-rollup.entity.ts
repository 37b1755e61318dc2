import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Per-MSP totals by subscription state, kept in the same transaction as every change to a
 * customer, so the dashboard never sums customer rows. Trials are bucketed against `asOf`
 * (the last expiry pass): a trial whose end is after `asOf` counts as active here even if it
 * has ended since; readers correct for trials that ended between `asOf` and now from a small
 * index range (see RollupService).
 */
@Entity('msp_rollups')
export class MspRollupEntity {
  @PrimaryColumn({ name: 'msp_id', type: 'int' })
  mspId: number;

  @Column({ name: 'as_of', type: 'datetime', precision: 3 })
  asOf: Date;

  @Column({ name: 'paid_count', type: 'int', default: 0 })
  paidCount: number;

  @Column({ name: 'paid_users', type: 'int', default: 0 })
  paidUsers: number;

  @Column({ name: 'active_count', type: 'int', default: 0 })
  activeCount: number;

  @Column({ name: 'active_users', type: 'int', default: 0 })
  activeUsers: number;

  @Column({ name: 'expired_count', type: 'int', default: 0 })
  expiredCount: number;

  /** Monitored users of expired trials: each capped at the Freemium limit. */
  @Column({ name: 'expired_users', type: 'int', default: 0 })
  expiredUsers: number;

  /** Bumped by every writer first: the row lock that serializes changes to one MSP's totals. */
  @Column({ type: 'int', default: 0 })
  version: number;
}
