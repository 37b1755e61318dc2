import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { SupportRequestKind, SupportRequestStatus } from './enums';

/** What an MSP asks support to do for one of its customers (the article's emails to the vendor). */
@Entity('support_requests')
@Index('IDX_support_requests_msp_status', ['mspId', 'status', 'createdAt'])
@Index('IDX_support_requests_status', ['status', 'createdAt'])
export class SupportRequestEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'msp_id', type: 'int' })
  mspId: number;

  @Column({ name: 'customer_id', type: 'int' })
  customerId: number;

  @Column({ type: 'simple-enum', enum: SupportRequestKind })
  kind: SupportRequestKind;

  @Column({ type: 'simple-enum', enum: SupportRequestStatus })
  status: SupportRequestStatus;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  note: string | null;

  @Column({ name: 'licensed_seats', type: 'int', nullable: true })
  licensedSeats: number | null;

  @Column({ type: 'int', nullable: true })
  days: number | null;

  /** "<customer id>:<kind>" while the request is OPEN, null after: one open request per kind. */
  @Index('UQ_support_requests_open_key', { unique: true })
  @Column({ name: 'open_key', type: 'varchar', length: 40, nullable: true })
  openKey: string | null;

  /** Prefix of the key that filed it. */
  @Column({ name: 'requested_by', type: 'varchar', length: 16 })
  requestedBy: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'resolved_at', type: 'datetime', precision: 3, nullable: true })
  resolvedAt: Date | null;

  /** Staff's note when approving or rejecting. */
  @Column({ type: 'varchar', length: 1000, nullable: true })
  resolution: string | null;

  @Column({ name: 'resolved_by', type: 'varchar', length: 16, nullable: true })
  resolvedBy: string | null;
}
