import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Database } from '../database/data-source';
import { AccountEntity, AccountKind } from '../entities';
import { AuditAction, AuditService } from './audit.service';
import { Clock } from './clock';
import { CustomerService } from './customers/customer.service';
import { Outcome, UserErrorsAbort, failure, runOutcome } from './errors';
import { customerNotFound } from './user-errors';
import { accountNumberOf, toGlobalId } from './global-id';
import { Principal } from './principal';

/** How long an access grant lasts. */
export const ACCESS_GRANT_MS = 15 * 60 * 1000;

/** Longer than any token we issue; anything beyond is not worth an HMAC. */
const TOKEN_MAX = 1024;
const PART = /^[A-Za-z0-9_-]+$/;
const FORMAT_VERSION = 1;

/** What a token carries, signed: no secrets, only public account numbers, the expiry and a nonce. */
interface GrantClaims {
  v: number;
  /** The customer's account number. */
  c: string;
  /** Its MSP's account number at grant time. */
  m: string;
  /** Expiry, epoch milliseconds. */
  e: number;
  /** Random, so no two grants share a token. */
  n: string;
}

export interface AccessGrant {
  token: string;
  expiresAt: Date;
  /** `<APP_URL>/#/access?token=<token>`: the link the MSP admin opens. */
  url: string;
}

/** A token that checked out: the customer it opens (current, still the MSP's) and its MSP. */
export interface VerifiedAccess {
  customer: AccountEntity;
  msp: AccountEntity;
  expiresAt: Date;
}

/**
 * Access to a customer account without its credentials: short-lived, single-customer grants,
 * signed with HMAC-SHA256 under ACCESS_TOKEN_SECRET. A token is
 * `base64url(JSON claims).base64url(HMAC(first part))`; nothing is stored, so verifying asks the
 * database only whether the customer is still current and still the same MSP's.
 */
export class AccessService {
  constructor(
    readonly db: Database,
    readonly clock: Clock,
    readonly audit: AuditService,
    readonly customers: CustomerService,
    readonly secret: string,
    readonly appUrl: string,
  ) {}

  /**
   * Grants the caller's MSP 15 minutes of access to one of its current customers, audited
   * (ACCESS_GRANTED, with the expiry; never the token). User errors: NOT_FOUND (customerId).
   */
  async grant(principal: Principal, customerId: string): Promise<Outcome<AccessGrant>> {
    const mspId = principal.mspId;
    const accountNumber = accountNumberOf(customerId, 'CustomerAccount');
    if (mspId === null || accountNumber === null) return failure(customerNotFound());
    return runOutcome(() =>
      this.db.transaction(async (manager) => {
        const found = await manager
          .createQueryBuilder(AccountEntity, 'a')
          .innerJoinAndMapOne('a.msp', AccountEntity, 'm', 'm.id = a.msp_id AND m.kind = :mspKind', { mspKind: AccountKind.MSP })
          .where('a.account_number = :accountNumber AND a.kind = :kind', { accountNumber, kind: AccountKind.CUSTOMER })
          .andWhere('a.msp_id = :mspId AND a.removed_at IS NULL', { mspId })
          .getOne();
        const msp = (found as (AccountEntity & { msp?: AccountEntity }) | null)?.msp;
        if (!found || !msp) throw new UserErrorsAbort([customerNotFound()]);
        const expiresAt = new Date(this.clock.now().getTime() + ACCESS_GRANT_MS);
        const token = this.sign({
          v: FORMAT_VERSION,
          c: found.accountNumber,
          m: msp.accountNumber,
          e: expiresAt.getTime(),
          n: randomBytes(16).toString('base64url'),
        });
        await this.audit.record(manager, principal, {
          action: AuditAction.ACCESS_GRANTED,
          mspId,
          target: toGlobalId('CustomerAccount', found.accountNumber),
          details: { expiresAt: expiresAt.toISOString() },
        });
        const url = `${this.appUrl.replace(/\/+$/, '')}/#/access?token=${encodeURIComponent(token)}`;
        return { token, expiresAt, url };
      }),
    );
  }

  /**
   * The customer and MSP a token opens, or null when the token is malformed, tampered with,
   * signed with another secret, expired (its end instant included), or names a customer that
   * has since been removed or moved to another MSP.
   */
  async verify(token: string): Promise<VerifiedAccess | null> {
    const claims = this.claimsOf(token);
    if (!claims || this.clock.now().getTime() >= claims.e) return null;
    const customer = await this.db.manager
      .createQueryBuilder(AccountEntity, 'a')
      .innerJoinAndMapOne('a.msp', AccountEntity, 'm', 'm.id = a.msp_id AND m.kind = :mspKind', { mspKind: AccountKind.MSP })
      .where('a.account_number = :accountNumber AND a.kind = :kind', { accountNumber: claims.c, kind: AccountKind.CUSTOMER })
      .andWhere('a.removed_at IS NULL')
      .getOne();
    const msp = (customer as (AccountEntity & { msp?: AccountEntity }) | null)?.msp;
    if (!customer || !msp || msp.accountNumber !== claims.m) return null;
    delete (customer as AccountEntity & { msp?: AccountEntity }).msp;
    return { customer, msp, expiresAt: new Date(claims.e) };
  }

  private signature(payload: string): string {
    return createHmac('sha256', this.secret).update(payload, 'utf8').digest('base64url');
  }

  private sign(claims: GrantClaims): string {
    const payload = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
    return `${payload}.${this.signature(payload)}`;
  }

  /**
   * The claims of a correctly signed token, or null. The signature is compared as text with the
   * one we would write, so a changed character always fails (base64url decoding alone ignores
   * the last character's spare bits).
   */
  private claimsOf(token: string): GrantClaims | null {
    if (typeof token !== 'string' || token.length > TOKEN_MAX) return null;
    const parts = token.split('.');
    if (parts.length !== 2 || !PART.test(parts[0]) || !PART.test(parts[1])) return null;
    const given = Buffer.from(parts[1], 'utf8');
    const expected = Buffer.from(this.signature(parts[0]), 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    try {
      const claims = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as Partial<GrantClaims> | null;
      if (
        claims?.v === FORMAT_VERSION &&
        typeof claims.c === 'string' &&
        typeof claims.m === 'string' &&
        typeof claims.n === 'string' &&
        Number.isSafeInteger(claims.e)
      ) {
        return claims as GrantClaims;
      }
    } catch {
      // a signed payload we cannot read is as good as none
    }
    return null;
  }
}
