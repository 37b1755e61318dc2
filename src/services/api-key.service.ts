import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { EntityManager, IsNull } from 'typeorm';
import { Database } from '../database/data-source';
import { AccountEntity, AccountKind, ApiKeyEntity, ApiKeyRole } from '../entities';
import { Clock } from './clock';
import { AppError } from './errors';
import { Principal } from './principal';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KEY_PATTERN = /^cc_([0-9A-Za-z]{8})_([0-9A-Za-z]{32})$/;
const LAST_USED_RESOLUTION_MS = 60_000;

function base62(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += BASE62[randomInt(62)];
  return out;
}

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
  ) {}

  /** Issues a key. MSP roles need the MSP; STAFF and APP keys have none. */
  async create(manager: EntityManager, role: ApiKeyRole, mspId: number | null, name: string): Promise<NewApiKey> {
    const label = name.trim();
    if (label.length === 0 || label.length > 100) throw new AppError('BAD_USER_INPUT', 'A key name must be 1 to 100 characters.');
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
    const key = await this.db.manager
      .createQueryBuilder(ApiKeyEntity, 'k')
      .leftJoinAndMapOne('k.msp', AccountEntity, 'a', 'a.id = k.msp_id AND a.kind = :msp', { msp: AccountKind.MSP })
      .where('k.prefix = :prefix', { prefix })
      .getOne();
    if (!key || key.revokedAt) return null;
    const expected = Buffer.from(key.secretHash, 'hex');
    if (!timingSafeEqual(expected, Buffer.from(sha256(secret), 'hex'))) return null;
    const msp = (key as ApiKeyEntity & { msp?: AccountEntity }).msp ?? null;
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

  /** Every key, newest first (the CLI's `key list` without a filter). */
  async listAll(): Promise<ApiKeyEntity[]> {
    return this.db.manager.find(ApiKeyEntity, { order: { createdAt: 'DESC', id: 'DESC' } });
  }

  /** Revokes a key by its prefix; false when there is no such key. Revoking twice is harmless. */
  async revokeByPrefix(prefix: string): Promise<ApiKeyEntity | null> {
    return this.db.transaction(async (manager) => {
      const key = await manager.findOne(ApiKeyEntity, { where: { prefix } });
      if (!key) return null;
      if (!key.revokedAt) {
        key.revokedAt = this.clock.now();
        await manager.update(ApiKeyEntity, { id: key.id }, { revokedAt: key.revokedAt });
      }
      return key;
    });
  }
}
