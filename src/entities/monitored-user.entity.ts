import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { IDENTITY_KEY_MAX } from '../services/text/limits';
import { KeyColumn } from './key-column';

/** A person whose activity an account monitors. */
@Entity('monitored_users')
@Index('UQ_monitored_users_account_identity', ['accountId', 'identityKey'], { unique: true })
@Index('IDX_monitored_users_account_first_seen', ['accountId', 'firstSeenAt'])
export class MonitoredUserEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'account_id', type: 'int' })
  accountId: number;

  /** The login name as first registered. */
  @Column({ type: 'varchar', length: 255 })
  identity: string;

  /** The identity's comparison key (see `comparisonKey`). */
  @KeyColumn({ name: 'identity_key', type: 'varchar', length: IDENTITY_KEY_MAX })
  identityKey: string;

  @Column({ name: 'display_name', type: 'varchar', length: 200 })
  displayName: string;

  @Column({ name: 'first_seen_at', type: 'datetime', precision: 3 })
  firstSeenAt: Date;

  @Column({ name: 'last_seen_at', type: 'datetime', precision: 3 })
  lastSeenAt: Date;
}
