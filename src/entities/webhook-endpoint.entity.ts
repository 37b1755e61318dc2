import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

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
