import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One POST of a delivery: when, and what came back. */
@Entity('webhook_attempts')
@Index('IDX_webhook_attempts_delivery', ['deliveryId', 'id'])
export class WebhookAttemptEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'delivery_id', type: 'int' })
  deliveryId: number;

  @Column({ name: 'attempted_at', type: 'datetime', precision: 3 })
  attemptedAt: Date;

  /** The receiver's HTTP status; null when none came (timeout, refused address, network error). */
  @Column({ name: 'status_code', type: 'int', nullable: true })
  statusCode: number | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  error: string | null;

  @Column({ name: 'duration_ms', type: 'int' })
  durationMs: number;
}
