import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { EntityManager, IsNull } from 'typeorm';
import { Database } from '../database/data-source';
import { entityColumns } from '../database/raw-entities';
import { select } from '../database/select';
import { AccountEntity, AccountKind, ApiKeyEntity, ApiKeyRole } from '../entities';
import { AuditAction, AuditService } from './audit.service';
import { Clock } from './clock';
import { AppError, Outcome, UserError, UserErrorCode, UserErrorsAbort, failure, runOutcome, userError } from './errors';
import { rowIdOf, toGlobalId } from './global-id';
import { Page, PageArgs, cursorValues, encodeCursor, resolvePage, toPage, readKeysetRows } from './pagination';
import { Principal, tenantOf, requireMspId } from './principal';
import { checkKeyName } from './text/text-rules';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KEY_PATTERN = /^cc_([0-9A-Za-z]{8})_([0-9A-Za-z]{32})$/;
const LAST_USED_RESOLUTION_MS = 60_000;
const ORDERING = 'API_KEYS:CREATED_AT:DESC';
/** The roles an MSP may give its own keys. */
const MSP_ROLES: ReadonlySet<ApiKeyRole> = new Set([ApiKeyRole.MSP_ADMIN, ApiKeyRole.MSP_READ]);

export interface CreateApiKeyInput {
  name: string;
  role: ApiKeyRole;
}

/** A page of an MSP's keys, newest first, with the count of all of them. */
export interface ApiKeyPage extends Page<ApiKeyEntity> {
  totalCount(): Promise<number>;
}

function base62(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += BASE62[randomInt(62)];
  return out;
}

/** What authentication reads of a key: no name, no creation time. */
const AUTHENTICATED_KEY_PROPERTIES: ReadonlyArray<keyof ApiKeyEntity & string> = ['id', 'prefix', 'secretHash', 'role', 'mspId', 'lastUsedAt', 'revokedAt'];

/**
 * What authentication reads of the key's MSP, the request's own MSP from then on (`msp`, and the
 * MSP loader): what the Msp type shows and the MSP's id, nothing an MSP account never uses.
 * Every request runs this statement and pays for each of its columns (in MariaDB, and in the
 * driver's column definitions and row parsing): 13 columns instead of 29.
 */
export const AUTHENTICATED_MSP_PROPERTIES: ReadonlyArray<keyof AccountEntity & string> = ['id', 'accountNumber', 'kind', 'name', 'adminEmail', 'createdAt'];

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** A caller who presented a valid key, with its MSP when it has one. */
export interface Authenticated {
  principal: Principal;
  msp: AccountEntity | null;
}

export interface NewApiKey {
  key: ApiKeyEntity;
  /** The full key string, `cc_<prefix>_<secret>`; shown once, never stored. */
  secret: string;
}

/**
 * API keys: `cc_<8 base62 prefix>_<32 base62 secret>`. Only SHA-256 of the secret is stored;
 * a key is found by its prefix and checked in constant time.
 */
export class ApiKeyService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  private authenticateSql: string | undefined;

  /** Issues a key. MSP roles need the MSP; STAFF and APP keys have none. Not audited here: callers audit in their own transaction. */
  async create(manager: EntityManager, role: ApiKeyRole, mspId: number | null, name: string): Promise<NewApiKey> {
    const label = checkKeyName(name);
    if (typeof label !== 'string') throw new AppError('BAD_USER_INPUT', label.message);
    const mspRole = role === ApiKeyRole.MSP_ADMIN || role === ApiKeyRole.MSP_READ;
    if (mspRole !== (mspId !== null)) throw new Error(`a ${role} key ${mspRole ? 'needs' : 'takes no'} MSP`);
    for (let attempt = 0; ; attempt++) {
      const prefix = base62(8);
      const secret = base62(32);
      const key = Object.assign(new ApiKeyEntity(), {
        prefix,
        secretHash: sha256(secret),
        role,
        mspId,
        name: label,
        createdAt: this.clock.now(),
        lastUsedAt: null,
        revokedAt: null,
      });
      try {
        const result = await manager.insert(ApiKeyEntity, key);
        key.id = Number(result.identifiers[0].id);
        return { key, secret: `cc_${prefix}_${secret}` };
      } catch (error) {
        if (attempt < 5 && this.db.uniqueViolation(error) === 'UQ_api_keys_prefix') continue;
        throw error;
      }
    }
  }

  /**
   * The principal behind an `Authorization` header value, or null for a missing, malformed,
   * unknown, revoked or wrong key (the caller answers all of those alike: 401).
   */
  async authenticate(header: string | undefined): Promise<Authenticated | null> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    const parts = match ? KEY_PATTERN.exec(match[1]) : null;
    if (!parts) return null;
    const [, prefix, secret] = parts;
    const keys = entityColumns(this.db.dataSource, ApiKeyEntity, 'k', AUTHENTICATED_KEY_PROPERTIES);
    const msps = entityColumns(this.db.dataSource, AccountEntity, 'a', AUTHENTICATED_MSP_PROPERTIES);
    // Built once: the same string each time, so its hash and its parse (select()) are kept too.
    this.authenticateSql ??= `SELECT ${keys.sql}, ${msps.sql} FROM api_keys k LEFT JOIN accounts a ON a.id = k.msp_id AND a.kind = :msp WHERE k.prefix = :prefix`;
    const [row] = await select(this.db, this.authenticateSql, { msp: AccountKind.MSP, prefix });
    const key = row ? keys.read(row) : null;
    if (!key || key.revokedAt) return null;
    const expected = Buffer.from(key.secretHash, 'hex');
    if (!timingSafeEqual(expected, Buffer.from(sha256(secret), 'hex'))) return null;
    const msp = msps.read(row);
    if (key.mspId !== null && !msp) return null;
    await this.touch(key);
    return { principal: { keyId: key.id, keyPrefix: key.prefix, role: key.role, mspId: key.mspId }, msp };
  }

  /** Records use at most once a minute per key, so reads stay reads. */
  private async touch(key: ApiKeyEntity): Promise<void> {
    const now = this.clock.now();
    if (key.lastUsedAt && now.getTime() - key.lastUsedAt.getTime() < LAST_USED_RESOLUTION_MS) return;
    await this.db.manager.update(ApiKeyEntity, { id: key.id }, { lastUsedAt: now });
  }

  /** Keys of one MSP, or the staff and app keys when `mspId` is null; newest first. */
  async list(mspId: number | null): Promise<ApiKeyEntity[]> {
    return this.db.manager.find(ApiKeyEntity, {
      where: mspId === null ? { mspId: IsNull() } : { mspId },
      order: { createdAt: 'DESC', id: 'DESC' },
    });
  }

  /** A key the caller may see: its own MSP's (MSP keys) or any (staff); null otherwise. */
  async findVisible(principal: Principal, id: number): Promise<ApiKeyEntity | null> {
    const key = await this.db.manager.findOne(ApiKeyEntity, { where: { id } });
    if (!key) return null;
    const tenant = tenantOf(principal);
    return tenant === null || key.mspId === tenant ? key : null;
  }

  /** Every key, newest first (the CLI's `key list` without a filter). */
  async listAll(): Promise<ApiKeyEntity[]> {
    return this.db.manager.find(ApiKeyEntity, { order: { createdAt: 'DESC', id: 'DESC' } });
  }

  /**
   * Revokes a key by its prefix (the CLI; audited without an actor); null when there is no such
   * key. Revoking twice is harmless.
   */
  async revokeByPrefix(prefix: string): Promise<ApiKeyEntity | null> {
    return this.db.transaction(async (manager) => {
      const key = await manager.findOne(ApiKeyEntity, { where: { prefix } });
      if (!key) return null;
      if (!key.revokedAt) {
        key.revokedAt = this.clock.now();
        await manager.update(ApiKeyEntity, { id: key.id }, { revokedAt: key.revokedAt });
        await this.audit.record(manager, null, {
          action: AuditAction.API_KEY_REVOKED,
          mspId: key.mspId,
          target: toGlobalId('ApiKey', key.id),
          details: { prefix: key.prefix, role: key.role, via: 'cli' },
        });
      }
      return key;
    });
  }

  /** One page of an MSP's keys, revoked ones included, newest first. */
  async listPage(mspId: number, args: PageArgs): Promise<ApiKeyPage> {
    const request = resolvePage(args, ORDERING, cursorValues.instant);
    const query = this.db.manager.createQueryBuilder(ApiKeyEntity, 'k').where('k.msp_id = :mspId', { mspId });
    const rows = await readKeysetRows(query, request, { column: 'k.created_at', id: 'k.id', direction: 'DESC', instant: true });
    const page = toPage(rows, request, (key) => encodeCursor(ORDERING, { value: key.createdAt.toISOString(), id: key.id }));
    let counted: Promise<number> | undefined;
    return { ...page, totalCount: () => (counted ??= this.db.manager.count(ApiKeyEntity, { where: { mspId } })) };
  }

  /**
   * Issues a key for the caller's own MSP, audited with its prefix and role (never its secret).
   * The full key is in the result only. User errors: INVALID_KEY_NAME, INVALID_ROLE (STAFF and
   * APP keys are the vendor's to issue).
   */
  async createForMsp(principal: Principal, input: CreateApiKeyInput): Promise<Outcome<NewApiKey>> {
    const mspId = requireMspId(principal, 'createForMsp');
    const errors: UserError[] = [];
    const name = checkKeyName(input.name);
    if (typeof name !== 'string') errors.push(name);
    if (!MSP_ROLES.has(input.role)) {
      errors.push(userError('role', UserErrorCode.INVALID_ROLE, 'An MSP can create MSP_ADMIN and MSP_READ keys only.'));
    }
    if (errors.length > 0 || typeof name !== 'string') return failure(...errors);
    return runOutcome(() =>
      this.db.transaction(async (manager) => {
        const created = await this.create(manager, input.role, mspId, name);
        await this.audit.record(manager, principal, {
          action: AuditAction.API_KEY_CREATED,
          mspId,
          target: toGlobalId('ApiKey', created.key.id),
          details: { prefix: created.key.prefix, role: created.key.role, name: created.key.name },
        });
        return created;
      }),
    );
  }

  /**
   * Revokes one of the caller's MSP's keys, the calling key included (its request completes;
   * the next one gets 401). Audited with the key's prefix and role. User errors: NOT_FOUND (id:
   * another MSP's key, a staff or app key, or no key), ALREADY_REVOKED.
   */
  async revoke(principal: Principal, id: string): Promise<Outcome<ApiKeyEntity>> {
    const notFound = () => userError('id', UserErrorCode.NOT_FOUND, 'No API key with this id.');
    const mspId = principal.mspId;
    const rowId = rowIdOf(id, 'ApiKey');
    if (mspId === null || rowId === null) return failure(notFound());
    return runOutcome(() =>
      this.db.transaction(async (manager) => {
        const key = await manager.findOne(ApiKeyEntity, { where: { id: rowId, mspId } });
        if (!key) throw new UserErrorsAbort([notFound()]);
        const alreadyRevoked = () => new UserErrorsAbort([userError('id', UserErrorCode.ALREADY_REVOKED, 'This key is already revoked.')]);
        if (key.revokedAt) throw alreadyRevoked();
        const now = this.clock.now();
        // Conditional, so two concurrent revocations cannot both succeed (and both be audited).
        const result = await manager
          .createQueryBuilder()
          .update(ApiKeyEntity)
          .set({ revokedAt: now })
          .where('id = :id AND revoked_at IS NULL', { id: key.id })
          .execute();
        if (!result.affected) throw alreadyRevoked();
        key.revokedAt = now;
        await this.audit.record(manager, principal, {
          action: AuditAction.API_KEY_REVOKED,
          mspId,
          target: toGlobalId('ApiKey', key.id),
          details: { prefix: key.prefix, role: key.role, name: key.name },
        });
        return key;
      }),
    );
  }
}
