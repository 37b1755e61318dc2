import { EntityManager } from 'typeorm';
import { Database } from '../database/data-source';
import { AccountEntity } from '../entities';
import { AuditService } from './audit.service';
import { Clock } from './clock';
import { MailService } from './mail.service';
import { Principal } from './principal';

/** Admin email verification: single-use links mailed to the admin, valid for 7 days. */
export class EmailVerificationService {
  constructor(
    readonly db: Database,
    readonly clock: Clock,
    readonly audit: AuditService,
    readonly mail: MailService,
    readonly appUrl: string,
  ) {}

  /** Issues a verification link for the account's current admin email, in the caller's transaction. */
  async issue(manager: EntityManager, actor: Principal | null, account: AccountEntity): Promise<void> {
    void manager;
    void actor;
    void account;
  }
}
