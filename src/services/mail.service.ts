import { Transporter, createTransport } from 'nodemailer';
import { EntityManager, IsNull } from 'typeorm';
import { Database } from '../database/data-source';
import { insertRows } from '../database/insert';
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
const CLAIM_ATTEMPTS = 3;

/**
 * Outgoing mail. `enqueue` writes the outbox row in the caller's transaction; delivery starts
 * once that transaction has committed (`Database.afterCommit`), so a rolled-back change never
 * sends mail, and no delivery waits on the change's locks or holds a connection meanwhile.
 * Delivery is at most once: one conditional update claims a pending row (marks it sent) before
 * the transport is called, whichever instance or pass gets there first; a failure clears the
 * mark and records the error. The claim also drops the link tokens from the kept copy (they are
 * credentials, and only their hashes are stored anywhere else; a new link is one resend away):
 * the message goes out from memory, as enqueued, or as read by `deliverPending`.
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
    const id = await insertRows(manager, MailOutboxEntity, [
      {
        accountId: message.accountId ?? null,
        recipient: message.to,
        subject: message.subject,
        body: message.body,
        createdAt: this.clock.now(),
        sentAt: null,
        error: null,
      },
    ]);
    const mail = { from: this.from, to: message.to, subject: message.subject, text: message.body };
    this.db.afterCommit(() => this.track(this.deliver(id, mail)));
  }

  /**
   * Sends every committed row not yet sent nor failed (those left behind by a process that
   * stopped between commit and delivery); for a periodic pass. Returns how many were sent.
   */
  async deliverPending(): Promise<number> {
    const rows = await this.db.manager.find(MailOutboxEntity, {
      where: { sentAt: IsNull(), error: IsNull() },
      order: { id: 'ASC' },
      take: 100,
    });
    let sent = 0;
    for (const row of rows) {
      if (await this.deliver(row.id, { from: this.from, to: row.recipient, subject: row.subject, text: row.body })) sent++;
    }
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

  /** Claims a committed row and sends it; false when there was nothing to send (claimed already). */
  private async deliver(id: number, mail: OutgoingMail): Promise<boolean> {
    if (!(await this.claim(id, redactTokens(mail.text)))) return false;
    try {
      await this.mailer.send(mail);
      if (this.smtp) this.log.info({ mailId: id, to: mail.to, subject: mail.subject }, 'mail sent');
      return true;
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)).slice(0, ERROR_MAX) || 'delivery failed';
      await this.db.manager.update(MailOutboxEntity, { id }, { sentAt: null, error: message });
      this.log.warn({ mailId: id, to: mail.to, error: message }, 'mail not sent');
      return false;
    }
  }

  /**
   * Marks a pending row sent and keeps its redacted body, in one autocommit statement; true if
   * this call did. A statement that fails (no connection free in time, a lost connection) is
   * tried again: if it had taken effect, the retry finds the row claimed and sends nothing, so
   * the mail still goes out at most once; only a database down throughout leaves the row
   * pending, for `deliverPending`.
   */
  private async claim(id: number, redactedBody: string): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        const claimed = await this.db.manager
          .createQueryBuilder()
          .update(MailOutboxEntity)
          .set({ sentAt: this.clock.now(), body: redactedBody })
          .where('id = :id AND sent_at IS NULL AND error IS NULL', { id })
          .execute();
        return (claimed.affected ?? 0) > 0;
      } catch (error) {
        if (attempt >= CLAIM_ATTEMPTS) throw error;
        this.log.warn({ mailId: id, err: error, attempt }, 'mail claim failed; trying again');
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  }
}

/** Replaces the value of every `token=` link parameter. */
export function redactTokens(body: string): string {
  return body.replace(/([?&#]token=)[^\s&#]+/g, '$1[redacted-after-delivery]');
}
