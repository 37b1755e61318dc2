import { EntityManager } from 'typeorm';
import { Database } from '../database/data-source';
import { Clock } from './clock';

export interface MailMessage {
  to: string;
  subject: string;
  body: string;
}

/** Outgoing mail: kept in the outbox table in the caller's transaction, delivered after. */
export class MailService {
  constructor(
    readonly db: Database,
    readonly clock: Clock,
    readonly smtpUrl: string | undefined,
    readonly from: string,
  ) {}

  /** Queues a message in the caller's transaction. */
  async enqueue(manager: EntityManager, message: MailMessage): Promise<void> {
    void manager;
    void message;
  }
}
