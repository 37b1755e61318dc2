import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export enum WebhookDeliveryStatus {
  PENDING = 'PENDING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
}

/** One event to send to one endpoint, retried until it succeeds or its 24 h run out. */
@Entity('webhook_deliveries')
@Index('IDX_webhook_deliveries_due', ['status', 'nextAttemptAt'])
@Index('IDX_webhook_deliveries_endpoint', ['endpointId', 'id'])
export class WebhookDeliveryEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'event_id', type: 'int' })
  eventId: number;

  @Column({ name: 'endpoint_id', type: 'int' })
  endpointId: number;

  @Column({ type: 'simple-enum', enum: WebhookDeliveryStatus })
  status: WebhookDeliveryStatus;

  @Column({ type: 'int' })
  attempts: number;

  /** When the next attempt is due (or the lease of one under way ends); null once finished. */
  @Column({ name: 'next_attempt_at', type: 'datetime', precision: 3, nullable: true })
  nextAttemptAt: Date | null;

  /** After this no retry is scheduled: the delivery is marked FAILED. */
  @Column({ name: 'retry_until', type: 'datetime', precision: 3 })
  retryUntil: Date;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'completed_at', type: 'datetime', precision: 3, nullable: true })
  completedAt: Date | null;
}
