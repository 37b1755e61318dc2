import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One event of an MSP, written in the transaction of the change it reports (the outbox). */
@Entity('webhook_events')
@Index('IDX_webhook_events_msp', ['mspId', 'id'])
@Index('IDX_webhook_events_created', ['createdAt'])
export class WebhookEventEntity {
  @PrimaryGeneratedColumn()
  id: number;

  /** `msg_...`: the `webhook-id` header and the body's `id`, the same on every retry. */
  @Index('UQ_webhook_events_message_id', { unique: true })
  @Column({ name: 'message_id', type: 'varchar', length: 40 })
  messageId: string;

  @Column({ name: 'msp_id', type: 'int' })
  mspId: number;

  /** The payload type name, e.g. `customer.created`. */
  @Column({ type: 'varchar', length: 40 })
  type: string;

  /** The event's `data`, as JSON. */
  @Column({ type: 'text' })
  data: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
