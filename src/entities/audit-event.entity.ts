import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One entry of the append-only audit log. Never holds a secret: keys appear by prefix only. */
@Entity('audit_events')
@Index('IDX_audit_events_msp', ['mspId', 'createdAt'])
@Index('IDX_audit_events_msp_action', ['mspId', 'action', 'createdAt'])
@Index('IDX_audit_events_created', ['createdAt'])
export class AuditEventEntity {
  @PrimaryGeneratedColumn()
  id: number;

  /** The MSP the event concerns; null for events outside any MSP (staff keys, standalone accounts). */
  @Column({ name: 'msp_id', type: 'int', nullable: true })
  mspId: number | null;

  /** Prefix of the acting key; null for keyless actions (an admin verifying an email). */
  @Column({ name: 'actor_key_prefix', type: 'varchar', length: 16, nullable: true })
  actorKeyPrefix: string | null;

  @Column({ name: 'actor_role', type: 'varchar', length: 16, nullable: true })
  actorRole: string | null;

  @Column({ type: 'varchar', length: 40 })
  action: string;

  /** The global id of what was acted on. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  target: string | null;

  /** A small JSON object of what changed (never a secret). */
  @Column({ type: 'varchar', length: 2000, nullable: true })
  details: string | null;

  @Column({ name: 'request_id', type: 'varchar', length: 64, nullable: true })
  requestId: string | null;

  @Column({ name: 'client_address', type: 'varchar', length: 64, nullable: true })
  clientAddress: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
