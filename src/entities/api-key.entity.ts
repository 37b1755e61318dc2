import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { ApiKeyRole } from './enums';
import { KeyColumn } from './key-column';

/** An API key. Only the SHA-256 of its secret is stored; it is found by its public prefix. */
@Entity('api_keys')
@Index('IDX_api_keys_msp', ['mspId', 'createdAt'])
export class ApiKeyEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('UQ_api_keys_prefix', { unique: true })
  @KeyColumn({ type: 'varchar', length: 8 })
  prefix: string;

  @Column({ name: 'secret_hash', type: 'varchar', length: 64 })
  secretHash: string;

  @Column({ type: 'simple-enum', enum: ApiKeyRole })
  role: ApiKeyRole;

  /** The MSP an MSP_ADMIN or MSP_READ key belongs to; null for STAFF and APP keys. */
  @Column({ name: 'msp_id', type: 'int', nullable: true })
  mspId: number | null;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'last_used_at', type: 'datetime', precision: 3, nullable: true })
  lastUsedAt: Date | null;

  @Column({ name: 'revoked_at', type: 'datetime', precision: 3, nullable: true })
  revokedAt: Date | null;
}
