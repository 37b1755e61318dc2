import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { KeyColumn } from './key-column';

/** A client's idempotency key for addCustomer, bound to the input it first came with. */
@Entity('idempotency_keys')
@Index('UQ_idempotency_keys_msp_key', ['mspId', 'key'], { unique: true })
@Index('IDX_idempotency_keys_created', ['createdAt'])
export class IdempotencyKeyEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'msp_id', type: 'int' })
  mspId: number;

  @KeyColumn({ name: 'idem_key', type: 'varchar', length: 100 })
  key: string;

  /** SHA-256 of the normalized input. */
  @Column({ name: 'request_hash', type: 'varchar', length: 64 })
  requestHash: string;

  @Column({ name: 'account_id', type: 'int' })
  accountId: number;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
