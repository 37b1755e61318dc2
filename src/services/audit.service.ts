import { EntityManager, In, SelectQueryBuilder } from 'typeorm';
import { Database } from '../database/data-source';
import { insertRows } from '../database/insert';
import { AccountEntity, AccountKind, AuditEventEntity } from '../entities';
import { Clock, DAY_MS } from './clock';
import { AppError } from './errors';
import { Page, PageArgs, PageRequest, cursorValues, encodeCursor, resolvePage, toPage, readKeysetRows } from './pagination';
import { Principal, isStaff, tenantOf } from './principal';

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
  WEBHOOK_ENDPOINT_CREATED = 'WEBHOOK_ENDPOINT_CREATED',
  WEBHOOK_ENDPOINT_UPDATED = 'WEBHOOK_ENDPOINT_UPDATED',
  WEBHOOK_ENDPOINT_DELETED = 'WEBHOOK_ENDPOINT_DELETED',
  WEBHOOK_SECRET_ROTATED = 'WEBHOOK_SECRET_ROTATED',
  WEBHOOK_TEST_SENT = 'WEBHOOK_TEST_SENT',
  WEBHOOK_REDELIVERED = 'WEBHOOK_REDELIVERED',
  USAGE_SNAPSHOT_RECORDED = 'USAGE_SNAPSHOT_RECORDED',
}

/**
 * Who acted: a key's principal, or, for a keyless action (an admin following an emailed link),
 * just where the request came from.
 */
export type Actor = Principal | { keyPrefix?: null; role?: null; requestId: string | null; clientAddress: string | null };

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

/** Newest first: (created_at, id) descending. */
const ORDERING = 'AUDIT_NEWEST';

/** Rows deleted per retention statement, so a first purge after a long time never holds locks for long. */
const PURGE_BATCH = 1000;

export interface AuditFilter {
  action?: AuditAction | null;
}

export interface AuditPage extends Page<AuditEventEntity> {
  /** How many events the whole filtered list holds. */
  totalCount(): Promise<number>;
}

const cursorOf = (row: AuditEventEntity) => encodeCursor(ORDERING, { value: row.createdAt.toISOString(), id: row.id });

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
  async record(manager: EntityManager, actor: Actor | null, entry: AuditEntry): Promise<void> {
    await this.recordAll(manager, actor, [entry]);
  }

  /** `record` for several entries of one change by one actor: one insert, entries in order. */
  async recordAll(manager: EntityManager, actor: Actor | null, entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const createdAt = this.clock.now();
    await insertRows(
      manager,
      AuditEventEntity,
      entries.map((entry) => {
        let details = entry.details ? JSON.stringify(entry.details) : null;
        if (details && details.length > DETAILS_MAX) details = JSON.stringify({ truncated: true });
        return {
          mspId: entry.mspId,
          actorKeyPrefix: actor?.keyPrefix ?? null,
          actorRole: actor?.role ?? null,
          action: entry.action,
          target: entry.target ?? null,
          details,
          requestId: actor?.requestId ?? null,
          clientAddress: actor?.clientAddress ?? null,
          createdAt,
        };
      }),
    );
  }

  /**
   * Appends an entry on its own (for events that change nothing else, like a refusal). Its own
   * transaction: on SQLite's shared connection a bare write could join another request's open
   * transaction and vanish with its rollback. Never call it inside a transaction.
   */
  async recordAlone(actor: Actor | null, entry: AuditEntry): Promise<void> {
    await this.db.transaction((manager) => this.record(manager, actor, entry));
  }

  /**
   * One MSP's events, newest first. An MSP key sees only its own MSP's (another MSP's list is
   * empty, as if it had none); staff see any MSP's.
   */
  async listForMsp(principal: Principal, mspId: number, filter: AuditFilter, args: PageArgs): Promise<AuditPage> {
    const request = resolvePage(args, ORDERING, cursorValues.instant);
    if (!isStaff(principal) && principal.mspId !== mspId) return this.emptyPage(request);
    return this.page(request, () => this.filtered(mspId, filter));
  }

  /**
   * Every event, newest first, for staff only (FORBIDDEN otherwise): those of one MSP when
   * `mspAccountNumber` is given (an unknown number gives an empty list), otherwise those of
   * every MSP and those concerning none.
   */
  async listAll(principal: Principal, mspAccountNumber: string | null | undefined, filter: AuditFilter, args: PageArgs): Promise<AuditPage> {
    if (!isStaff(principal)) throw new AppError('FORBIDDEN', "This API key's role may not do this.");
    const request = resolvePage(args, ORDERING, cursorValues.instant);
    if (mspAccountNumber == null) return this.page(request, () => this.filtered(undefined, filter));
    const msp = await this.db.manager.findOne(AccountEntity, {
      select: { id: true },
      where: { accountNumber: mspAccountNumber.trim(), kind: AccountKind.MSP },
    });
    if (!msp) return this.emptyPage(request);
    return this.page(request, () => this.filtered(msp.id, filter));
  }

  /** An entry the caller may see: of its own MSP (MSP keys) or any (staff); null otherwise. */
  async findVisible(principal: Principal, id: number): Promise<AuditEventEntity | null> {
    const event = await this.db.manager.findOne(AuditEventEntity, { where: { id } });
    if (!event) return null;
    const tenant = tenantOf(principal);
    return tenant === null || event.mspId === tenant ? event : null;
  }

  /**
   * Deletes entries older than AUDIT_RETENTION_DAYS (an entry exactly that old stays), in
   * batches of short transactions; returns how many.
   */
  async purgeExpired(): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - this.retentionDays * DAY_MS);
    let deleted = 0;
    for (;;) {
      const batch = await this.db.transaction(async (manager) => {
        const rows = await manager
          .createQueryBuilder(AuditEventEntity, 'e')
          .select('e.id', 'id')
          .where('e.created_at < :cutoff', { cutoff })
          .orderBy('e.created_at', 'ASC')
          .limit(PURGE_BATCH)
          .getRawMany<{ id: number | string }>();
        if (rows.length > 0) await manager.delete(AuditEventEntity, { id: In(rows.map((r) => Number(r.id))) });
        return rows.length;
      });
      deleted += batch;
      if (batch < PURGE_BATCH) return deleted;
    }
  }

  /** `mspId` undefined: every event, those of no MSP included. */
  private filtered(mspId: number | undefined, filter: AuditFilter): SelectQueryBuilder<AuditEventEntity> {
    const query = this.db.manager.createQueryBuilder(AuditEventEntity, 'e');
    if (mspId !== undefined) query.andWhere('e.msp_id = :mspId', { mspId });
    if (filter.action) query.andWhere('e.action = :action', { action: filter.action });
    return query;
  }

  private async page(request: PageRequest, base: () => SelectQueryBuilder<AuditEventEntity>): Promise<AuditPage> {
    const rows = await readKeysetRows(base(), request, { column: 'e.created_at', id: 'e.id', direction: 'DESC', instant: true });
    let counted: Promise<number> | undefined;
    return { ...toPage(rows, request, cursorOf), totalCount: () => (counted ??= base().getCount()) };
  }

  private emptyPage(request: PageRequest): AuditPage {
    return { ...toPage<AuditEventEntity>([], request, cursorOf), totalCount: async () => 0 };
  }
}
