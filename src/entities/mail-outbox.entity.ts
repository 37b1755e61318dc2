import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Every email the product sends, kept whether or not an SMTP server delivered it. */
@Entity('mail_outbox')
@Index('IDX_mail_outbox_created', ['createdAt'])
@Index('IDX_mail_outbox_account', ['accountId'])
export class MailOutboxEntity {
  @PrimaryGeneratedColumn()
  id: number;

  /** The account the mail is about, so a purge can scrub it; null for mail about no account. */
  @Column({ name: 'account_id', type: 'int', nullable: true })
  accountId: number | null;

  @Column({ type: 'varchar', length: 254 })
  recipient: string;

  @Column({ type: 'varchar', length: 200 })
  subject: string;

  @Column({ type: 'text' })
  body: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'sent_at', type: 'datetime', precision: 3, nullable: true })
  sentAt: Date | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  error: string | null;
}
