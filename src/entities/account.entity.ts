import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { AccountKind, StoredPlan } from './enums';
import { EMAIL_KEY_MAX, ORGANIZATION_NAME_KEY_MAX } from '../services/text/limits';
import { KeyColumn } from './key-column';

/**
 * Every account of the SaaS, whatever its kind: an MSP, a customer of an MSP, or a standalone
 * account from the public sign-up page. Customers are scoped by `mspId`.
 */
@Entity('accounts')
@Index('IDX_accounts_msp_state', ['mspId', 'removedAt', 'plan', 'trialEndsAt', 'userCount'])
@Index('IDX_accounts_msp_created', ['mspId', 'removedAt', 'createdAt'])
// A tab's page, newest first, in index order (no sort of the MSP's trials).
@Index('IDX_accounts_msp_plan_created', ['mspId', 'removedAt', 'plan', 'createdAt', 'id', 'trialEndsAt'])
@Index('IDX_accounts_msp_name', ['mspId', 'removedAt', 'nameNormalized'])
@Index('IDX_accounts_msp_user_count', ['mspId', 'removedAt', 'userCount'])
@Index('UQ_accounts_msp_name_key', ['mspId', 'nameKey'], { unique: true })
@Index('UQ_accounts_msp_external_id_key', ['mspId', 'externalIdKey'], { unique: true })
export class AccountEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('UQ_accounts_account_number', { unique: true })
  @KeyColumn({ name: 'account_number', type: 'varchar', length: 20 })
  accountNumber: string;

  @Column({ type: 'simple-enum', enum: AccountKind })
  kind: AccountKind;

  /** The parent MSP of a CUSTOMER; null for MSPs and standalone accounts. */
  @Column({ name: 'msp_id', type: 'int', nullable: true })
  mspId: number | null;

  /** The organization name as entered, trimmed. */
  @Column({ type: 'varchar', length: 100 })
  name: string;

  /** The name's comparison key (see `comparisonKey`): the sort key for ORGANIZATION_NAME and the search target. */
  @KeyColumn({ name: 'name_normalized', type: 'varchar', length: ORGANIZATION_NAME_KEY_MAX })
  nameNormalized: string;

  /** Equals `nameNormalized` while the customer is listed; null once removed, freeing the name. */
  @KeyColumn({ name: 'name_key', type: 'varchar', length: ORGANIZATION_NAME_KEY_MAX, nullable: true })
  nameKey: string | null;

  @Column({ name: 'admin_email', type: 'varchar', length: 254 })
  adminEmail: string;

  @Index('UQ_accounts_admin_email_key', { unique: true })
  /** The address's comparison key (see `comparisonKey`). */
  @KeyColumn({ name: 'admin_email_key', type: 'varchar', length: EMAIL_KEY_MAX })
  adminEmailKey: string;

  @Column({ name: 'admin_email_verified_at', type: 'datetime', precision: 3, nullable: true })
  adminEmailVerifiedAt: Date | null;

  /** The partner's own id for the customer. */
  @Column({ name: 'external_id', type: 'varchar', length: 100, nullable: true })
  externalId: string | null;

  /** Equals `externalId` while the customer is listed; null once removed. */
  @KeyColumn({ name: 'external_id_key', type: 'varchar', length: 100, nullable: true })
  externalIdKey: string | null;

  @Column({ type: 'simple-enum', enum: StoredPlan })
  plan: StoredPlan;

  @Column({ name: 'trial_ends_at', type: 'datetime', precision: 3, nullable: true })
  trialEndsAt: Date | null;

  @Column({ name: 'licensed_seats', type: 'int', nullable: true })
  licensedSeats: number | null;

  /** Registered monitored users, kept in the same transaction as the user rows. */
  @Column({ name: 'user_count', type: 'int', default: 0 })
  userCount: number;

  @Column({ name: 'removed_at', type: 'datetime', precision: 3, nullable: true })
  removedAt: Date | null;

  @Column({ name: 'removal_reason', type: 'varchar', length: 1000, nullable: true })
  removalReason: string | null;

  /** When staff replaced the personal data of a removed customer with placeholders. */
  @Column({ name: 'purged_at', type: 'datetime', precision: 3, nullable: true })
  purgedAt: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
