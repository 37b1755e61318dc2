import { EntityManager, LessThan } from 'typeorm';
import { Database } from '../database/data-source';
import { AuditEventEntity } from '../entities';
import { Clock, DAY_MS } from './clock';
import { Principal } from './principal';

/** What the audit log records; the GraphQL enum AuditAction mirrors it. */
export enum AuditAction {
  CUSTOMER_ADDED = 'CUSTOMER_ADDED',
  CUSTOMER_UPDATED = 'CUSTOMER_UPDATED',
  MONITORED_USER_REGISTERED = 'MONITORED_USER_REGISTERED',
  MONITORED_USER_REMOVED = 'MONITORED_USER_REMOVED',
  CUSTOMER_UPGRADED = 'CUSTOMER_UPGRADED',
  LICENSED_SEATS_SET = 'LICENSED_SEATS_SET',
  TRIAL_END_SET = 'TRIAL_END_SET',
  CUSTOMER_REMOVED = 'CUSTOMER_REMOVED',
  CUSTOMER_RESTORED = 'CUSTOMER_RESTORED',
  CUSTOMER_PURGED = 'CUSTOMER_PURGED',
  STANDALONE_ACCOUNT_LINKED = 'STANDALONE_ACCOUNT_LINKED',
  SUPPORT_REQUEST_FILED = 'SUPPORT_REQUEST_FILED',
  SUPPORT_REQUEST_APPROVED = 'SUPPORT_REQUEST_APPROVED',
  SUPPORT_REQUEST_REJECTED = 'SUPPORT_REQUEST_REJECTED',
  ACCESS_GRANTED = 'ACCESS_GRANTED',
  API_KEY_CREATED = 'API_KEY_CREATED',
  API_KEY_REVOKED = 'API_KEY_REVOKED',
  VERIFICATION_EMAIL_SENT = 'VERIFICATION_EMAIL_SENT',
  ADMIN_EMAIL_VERIFIED = 'ADMIN_EMAIL_VERIFIED',
  AUTHORIZATION_REFUSED = 'AUTHORIZATION_REFUSED',
}

export interface AuditEntry {
  action: AuditAction;
  /** The MSP concerned; null when none (staff-only or standalone matters). */
  mspId: number | null;
  /** The global id of what was acted on. */
  target?: string | null;
  /** A small, secret-free description of the change. */
  details?: Record<string, unknown>;
}

const DETAILS_MAX = 2000;

/** The append-only audit log. */
export class AuditService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly retentionDays: number,
  ) {}

  /**
   * Appends an entry in the caller's transaction, so it exists exactly when the change does.
   * `actor` null is a keyless action (an admin following a verification link).
   */
  async record(manager: EntityManager, actor: Principal | null, entry: AuditEntry): Promise<void> {
    let details = entry.details ? JSON.stringify(entry.details) : null;
    if (details && details.length > DETAILS_MAX) details = JSON.stringify({ truncated: true });
    await manager.insert(AuditEventEntity, {
      mspId: entry.mspId,
      actorKeyPrefix: actor?.keyPrefix ?? null,
      actorRole: actor?.role ?? null,
      action: entry.action,
      target: entry.target ?? null,
      details,
      requestId: actor?.requestId ?? null,
      clientAddress: actor?.clientAddress ?? null,
      createdAt: this.clock.now(),
    });
  }

  /** Appends an entry on its own (for events that change nothing else, like a refusal). */
  async recordAlone(actor: Principal | null, entry: AuditEntry): Promise<void> {
    await this.record(this.db.manager, actor, entry);
  }

  /** Deletes entries older than AUDIT_RETENTION_DAYS; returns how many. */
  async purgeExpired(): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - this.retentionDays * DAY_MS);
    const result = await this.db.manager.delete(AuditEventEntity, { createdAt: LessThan(cutoff) });
    return result.affected ?? 0;
  }
}
