import { Transporter, createTransport } from 'nodemailer';
import { EntityManager } from 'typeorm';
import { Database } from '../database/data-source';
import { MailOutboxEntity } from '../entities';
import { Clock } from './clock';

export interface MailMessage {
  /** The account the mail is about (purging the account scrubs its mail). */
  accountId?: number | null;
  to: string;
  subject: string;
  body: string;
}

/** One message as a transport takes it (nodemailer's field names). */
export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
}

/** How mail leaves the process once its outbox row is committed. */
export interface Mailer {
  /** Hands one message over; throws when it could not. */
  send(mail: OutgoingMail): Promise<void>;
}

/** What the mail service logs through; pino's logger fits. */
export interface MailLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

const SILENT: MailLog = { info: () => undefined, warn: () => undefined };

/**
 * The default without SMTP_URL: the outbox row is the mail and the log line shows it, body
 * included, since that is the only copy a developer can read.
 */
export class LogMailer implements Mailer {
  constructor(private readonly log: MailLog) {}

  async send(mail: OutgoingMail): Promise<void> {
    this.log.info({ to: mail.to, subject: mail.subject, text: mail.text }, 'mail kept in the outbox (SMTP_URL is not set)');
  }
}

/** With SMTP_URL: nodemailer, one connection per message (verification mail is rare). */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(url: string) {
    this.transport = createTransport(url);
  }

  async send(mail: OutgoingMail): Promise<void> {
    await this.transport.sendMail(mail);
  }
}

const ERROR_MAX = 500;

/**
 * Outgoing mail. `enqueue` writes the outbox row in the caller's transaction; delivery starts
 * at once but claims the row in a transaction of its own, which waits for the caller's to end
 * (SQLite: transactions are queued in the process; MySQL: a locking read of the new row waits
 * for the inserting transaction). So a rolled-back change never sends mail: its row is gone.
 * Delivery is at most once: the row is marked sent before the transport is called, and a
 * failure clears the mark and records the error.
 */
export class MailService {
  private readonly mailer: Mailer;
  private readonly smtp: boolean;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    smtpUrl: string | undefined,
    private readonly from: string,
    private readonly log: MailLog = SILENT,
  ) {
    this.smtp = smtpUrl !== undefined;
    this.mailer = smtpUrl ? new SmtpMailer(smtpUrl) : new LogMailer(this.log);
  }

  /** Queues a message in the caller's transaction; it is sent after that transaction commits. */
  async enqueue(manager: EntityManager, message: MailMessage): Promise<void> {
    const result = await manager.insert(MailOutboxEntity, {
      accountId: message.accountId ?? null,
      recipient: message.to,
      subject: message.subject,
      body: message.body,
      createdAt: this.clock.now(),
      sentAt: null,
      error: null,
    });
    // Detached: delivery claims the row in a transaction of its own, after the caller's ends.
    this.track(this.db.detached(() => this.deliver(Number(result.identifiers[0].id))));
  }

  /**
   * Sends every committed row not yet sent nor failed (those left behind by a process that
   * stopped between commit and delivery); for a periodic pass. Returns how many were sent.
   */
  async deliverPending(): Promise<number> {
    const rows = await this.db.transaction((manager) =>
      manager
        .createQueryBuilder(MailOutboxEntity, 'o')
        .select('o.id', 'id')
        .where('o.sent_at IS NULL AND o.error IS NULL')
        .orderBy('o.id')
        .limit(100)
        .getRawMany<{ id: number | string }>(),
    );
    let sent = 0;
    for (const row of rows) if (await this.deliver(Number(row.id))) sent++;
    return sent;
  }

  /** Resolves once every delivery started so far has finished (graceful shutdown, tests). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private track(delivery: Promise<unknown>): void {
    const settled = delivery.then(
      () => undefined,
      (error: unknown) => this.log.warn({ err: error }, 'mail delivery failed'),
    );
    this.inFlight.add(settled);
    void settled.finally(() => this.inFlight.delete(settled));
  }

  /** Claims one row and sends it; false when there was nothing to send (rolled back, or claimed). */
  private async deliver(id: number): Promise<boolean> {
    const row = await this.db.transaction(async (manager) => {
      const query = manager
        .createQueryBuilder(MailOutboxEntity, 'o')
        .where('o.id = :id', { id })
        .andWhere('o.sent_at IS NULL AND o.error IS NULL');
      // Waits for the transaction that inserted the row to commit or roll back.
      if (this.db.engine === 'mysql') query.setLock('pessimistic_write');
      const found = await query.getOne();
      if (found) await manager.update(MailOutboxEntity, { id }, { sentAt: this.clock.now() });
      return found;
    });
    if (!row) return false;
    // Once handed over (or refused), the kept copy loses its link tokens: they are credentials,
    // and only their hashes are stored anywhere else. A new link is one resend away.
    const redacted = redactTokens(row.body);
    try {
      await this.mailer.send({ from: this.from, to: row.recipient, subject: row.subject, text: row.body });
      await this.db.transaction((manager) => manager.update(MailOutboxEntity, { id }, { body: redacted }));
      if (this.smtp) this.log.info({ mailId: id, to: row.recipient, subject: row.subject }, 'mail sent');
      return true;
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)).slice(0, ERROR_MAX) || 'delivery failed';
      await this.db.transaction((manager) => manager.update(MailOutboxEntity, { id }, { sentAt: null, error: message, body: redacted }));
      this.log.warn({ mailId: id, to: row.recipient, error: message }, 'mail not sent');
      return false;
    }
  }
}

/** Replaces the value of every `token=` link parameter. */
export function redactTokens(body: string): string {
  return body.replace(/([?&#]token=)[^\s&#]+/g, '$1[redacted-after-delivery]');
}
