import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A trial end a scheduler event was emitted for: the unique index is the claim, so with several
 * instances exactly one emits `trial.expiring` / `trial.expired` per trial end.
 */
@Entity('trial_notices')
@Index('UQ_trial_notices_account_kind_end', ['accountId', 'kind', 'trialEndsAt'], { unique: true })
export class TrialNoticeEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'account_id', type: 'int' })
  accountId: number;

  /** `trial.expiring` or `trial.expired`. */
  @Column({ type: 'varchar', length: 20 })
  kind: string;

  @Column({ name: 'trial_ends_at', type: 'datetime', precision: 3 })
  trialEndsAt: Date;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
