import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A customer's state, seats and users on one UTC day, for billing reconciliation. */
@Entity('usage_snapshots')
@Index('UQ_usage_snapshots_account_day', ['accountId', 'day'], { unique: true })
@Index('IDX_usage_snapshots_msp_day', ['mspId', 'day'])
export class UsageSnapshotEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'msp_id', type: 'int' })
  mspId: number;

  @Column({ name: 'account_id', type: 'int' })
  accountId: number;

  /** The UTC day, `YYYY-MM-DD`. */
  @Column({ type: 'varchar', length: 10 })
  day: string;

  /** PAID, ACTIVE_TRIAL or EXPIRED_TRIAL at the time of the snapshot. */
  @Column({ type: 'varchar', length: 16 })
  state: string;

  @Column({ name: 'licensed_seats', type: 'int', nullable: true })
  licensedSeats: number | null;

  @Column({ name: 'user_count', type: 'int' })
  userCount: number;

  @Column({ name: 'monitored_users', type: 'int' })
  monitoredUsers: number;

  /** Monitored users billed: those of a PAID customer, 0 otherwise. */
  @Column({ type: 'int' })
  billable: number;

  @Column({ name: 'taken_at', type: 'datetime', precision: 3 })
  takenAt: Date;
}
