import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export enum WebhookDeliveryStatus {
  PENDING = 'PENDING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
}

/** Where an MSP wants its events POSTed, and the keys that sign them. */
@Entity('webhook_endpoints')
@Index('IDX_webhook_endpoints_msp', ['mspId', 'createdAt'])
export class WebhookEndpointEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'msp_id', type: 'int' })
  mspId: number;

  @Column({ type: 'varchar', length: 2000 })
  url: string;

  /** The payload type names subscribed to (`customer.created,trial.expired`), comma-separated. */
  @Column({ type: 'varchar', length: 500 })
  events: string;

  /**
   * The signing secret `whsec_<base64>`, stored as is: it is an HMAC key the server must use,
   * not a password it only compares (see docs/webhooks.md).
   */
  @Column({ type: 'varchar', length: 100 })
  secret: string;

  /** The secret before the last rotation, still signing until `previousSecretExpiresAt`. */
  @Column({ name: 'previous_secret', type: 'varchar', length: 100, nullable: true })
  previousSecret: string | null;

  @Column({ name: 'previous_secret_expires_at', type: 'datetime', precision: 3, nullable: true })
  previousSecretExpiresAt: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}

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

/**
 * A trial end a scheduler event was emitted for: the unique index is the claim, so with several
 * instances exactly one emits `trial.expiring` / `trial.expired` per trial end.
 */
@Entity('trial_notices')
@Index('UQ_trial_notices_account_kind_end', ['accountId', 'kind', 'trialEndsAt'], { unique: true })
export class TrialNoticeEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'account_id', type: 'int' })
  accountId: number;

  /** `trial.expiring` or `trial.expired`. */
  @Column({ type: 'varchar', length: 20 })
  kind: string;

  @Column({ name: 'trial_ends_at', type: 'datetime', precision: 3 })
  trialEndsAt: Date;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}

/** A customer's state, seats and users on one UTC day, for billing reconciliation. */
@Entity('usage_snapshots')
@Index('UQ_usage_snapshots_account_day', ['accountId', 'day'], { unique: true })
@Index('IDX_usage_snapshots_msp_day', ['mspId', 'day'])
export class UsageSnapshotEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'msp_id', type: 'int' })
  mspId: number;

  @Column({ name: 'account_id', type: 'int' })
  accountId: number;

  /** The UTC day, `YYYY-MM-DD`. */
  @Column({ type: 'varchar', length: 10 })
  day: string;

  /** PAID, ACTIVE_TRIAL or EXPIRED_TRIAL at the time of the snapshot. */
  @Column({ type: 'varchar', length: 16 })
  state: string;

  @Column({ name: 'licensed_seats', type: 'int', nullable: true })
  licensedSeats: number | null;

  @Column({ name: 'user_count', type: 'int' })
  userCount: number;

  @Column({ name: 'monitored_users', type: 'int' })
  monitoredUsers: number;

  /** Monitored users billed: those of a PAID customer, 0 otherwise. */
  @Column({ type: 'int' })
  billable: number;

  @Column({ name: 'taken_at', type: 'datetime', precision: 3 })
  takenAt: Date;
}
