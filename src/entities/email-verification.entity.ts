import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { EMAIL_KEY_MAX } from '../services/text/limits';
import { KeyColumn } from './key-column';

/** A single-use link sent to an admin email; only the SHA-256 of its token is stored. */
@Entity('email_verifications')
@Index('IDX_email_verifications_account', ['accountId', 'createdAt'])
export class EmailVerificationEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'account_id', type: 'int' })
  accountId: number;

  @Index('UQ_email_verifications_token_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  /** The normalized address the link verifies; a later correction makes it useless. */
  @KeyColumn({ name: 'email_key', type: 'varchar', length: EMAIL_KEY_MAX })
  emailKey: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt: Date;

  @Column({ name: 'used_at', type: 'datetime', precision: 3, nullable: true })
  usedAt: Date | null;
}
