import { createHash, randomBytes } from 'node:crypto';
import { insertRows } from '../database/insert';
import { EntityManager } from 'typeorm';
import { Database } from '../database/data-source';
import { AccountEntity, AccountKind, EmailVerificationEntity } from '../entities';
import { AuditAction, AuditEntry, AuditService } from './audit.service';
import { Clock, DAY_MS } from './clock';
import { Outcome, UserErrorCode, UserErrorsAbort, failure, runOutcome, userError } from './errors';
import { toGlobalId } from './global-id';
import { MailService } from './mail.service';
import { Principal } from './principal';

export const VERIFICATION_TTL_DAYS = 7;

/** Why a verification email went out; recorded in the audit entry. */
export type VerificationReason = 'CUSTOMER_ADDED' | 'EMAIL_CORRECTED' | 'RESENT';

/** 32 random bytes in base64url are 43 characters; anything else cannot be one of our tokens. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

const invalidToken = () =>
  userError('token', UserErrorCode.INVALID_TOKEN, 'This verification link is invalid, already used, or expired. Ask for a new one.');

/** The global id an audit entry names an account by. */
export function accountTarget(account: AccountEntity): string | null {
  if (account.kind === AccountKind.CUSTOMER) return toGlobalId('CustomerAccount', account.accountNumber);
  if (account.kind === AccountKind.MSP) return toGlobalId('Msp', account.accountNumber);
  return null;
}

/** Admin email verification: single-use links mailed to the admin, valid for 7 days. */
export class EmailVerificationService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly mail: MailService,
    private readonly appUrl: string,
  ) {}

  /**
   * Issues a verification link for the account's current admin email, in the caller's
   * transaction: stores the SHA-256 of a random token (never the token), queues the email
   * (sent once the transaction commits) and audits VERIFICATION_EMAIL_SENT without the token,
   * after `audited`: the caller's own entries for the change, recorded in the same insert.
   */
  async issue(
    manager: EntityManager,
    actor: Principal | null,
    account: AccountEntity,
    reason: VerificationReason = 'CUSTOMER_ADDED',
    audited: readonly AuditEntry[] = [],
  ): Promise<void> {
    const token = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    await insertRows(manager, EmailVerificationEntity, [{
      accountId: account.id,
      tokenHash: hashToken(token),
      emailKey: account.adminEmailKey,
      createdAt: now,
      expiresAt: new Date(now.getTime() + VERIFICATION_TTL_DAYS * DAY_MS),
      usedAt: null,
    }]);
    const link = `${this.appUrl}/#/verify-email?token=${token}`;
    await this.mail.enqueue(manager, {
      accountId: account.id,
      to: account.adminEmail,
      subject: 'Verify your admin email address',
      body: [
        'Hello,',
        '',
        `This address was entered as the administrator email of "${account.name}" (account number ${account.accountNumber}).`,
        `To confirm that it reaches you, open this link within ${VERIFICATION_TTL_DAYS} days:`,
        '',
        link,
        '',
        'The link works once. If you did not expect this email, you can ignore it.',
      ].join('\n'),
    });
    await this.audit.recordAll(manager, actor, [
      ...audited,
      { action: AuditAction.VERIFICATION_EMAIL_SENT, mspId: account.mspId, target: accountTarget(account), details: { reason } },
    ]);
  }

  /**
   * Makes every link of the account issued so far useless (an admin email correction), so
   * that no older link verifies, even one for an address the account gets back later.
   */
  async revokeLinks(manager: EntityManager, accountId: number): Promise<void> {
    await manager
      .createQueryBuilder()
      .update(EmailVerificationEntity)
      .set({ usedAt: this.clock.now() })
      .where('account_id = :accountId AND used_at IS NULL', { accountId })
      .execute();
  }

  /**
   * Follows a link: marks the account's admin email verified. Keyless, so it answers only
   * yes or no. The link must be unused, younger than 7 days, for the address the account has
   * now (not since corrected), of an account that is not removed nor verified already;
   * every other case is the same INVALID_TOKEN. Audited as ADMIN_EMAIL_VERIFIED with no actor.
   */
  async verify(token: string, origin: { requestId: string | null; clientAddress: string | null } | null = null): Promise<Outcome<true>> {
    if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) return failure(invalidToken());
    const tokenHash = hashToken(token);
    return runOutcome(() =>
      this.db.transaction(async (manager) => {
        const now = this.clock.now();
        const link = await manager.findOne(EmailVerificationEntity, { where: { tokenHash } });
        if (!link || link.usedAt !== null || link.expiresAt.getTime() <= now.getTime()) throw new UserErrorsAbort([invalidToken()]);
        // Conditional writes, so two clicks at once, or a click during a correction, cannot both pass.
        const spent = await manager
          .createQueryBuilder()
          .update(EmailVerificationEntity)
          .set({ usedAt: now })
          .where('id = :id AND used_at IS NULL', { id: link.id })
          .execute();
        const verified = await manager
          .createQueryBuilder()
          .update(AccountEntity)
          .set({ adminEmailVerifiedAt: now })
          .where('id = :id AND admin_email_key = :emailKey', { id: link.accountId, emailKey: link.emailKey })
          .andWhere('admin_email_verified_at IS NULL AND removed_at IS NULL')
          .execute();
        if (!spent.affected || !verified.affected) throw new UserErrorsAbort([invalidToken()]);
        const account = await manager.findOneByOrFail(AccountEntity, { id: link.accountId });
        await this.audit.record(manager, origin, {
          action: AuditAction.ADMIN_EMAIL_VERIFIED,
          mspId: account.mspId,
          target: accountTarget(account),
        });
        return true as const;
      }),
    );
  }
}
