import { QueryRunner } from 'typeorm';
import { comparisonKey } from '../../services/text/comparison-key';
import { EMAIL_KEY_MAX, IDENTITY_KEY_MAX, ORGANIZATION_NAME_KEY_MAX } from '../../services/text/limits';

/** A row whose recomputed key it could not take, and the key it kept instead. */
export interface KeyCollision {
  table: string;
  column: string;
  id: number;
  /** The key the current rule gives the row. */
  wanted: string;
  /** The row that holds `wanted`; null when `wanted` does not fit the column. */
  heldBy: number | null;
  /** The key the row kept: its old one, or a marked one when even that was taken. */
  kept: string;
}

interface Row {
  id: number;
  scope: number | null;
  /** Whether the key is under a unique index (a listed customer's name; every email and identity). */
  unique: boolean;
  oldKey: string;
  newKey: string;
}

interface KeySet {
  table: string;
  /** The column the key is computed from. */
  source: string;
  /** The key column compared for collisions; `mirrors` are set to the same value where not null. */
  key: string;
  mirrors: string[];
  /** The column the key is unique within (null: the whole table). */
  scope: string | null;
  /** The SQL that says whether a row's key is under the unique index. */
  unique: string;
  /** The column the unique index holds (the key itself, or its mirror for names). */
  indexed: string;
  max: number;
}

const KEY_SETS: KeySet[] = [
  { table: 'accounts', source: 'admin_email', key: 'admin_email_key', mirrors: [], scope: null, unique: '1 = 1', indexed: 'admin_email_key', max: EMAIL_KEY_MAX },
  // The name key is unique per MSP among listed customers only (null once removed, and for MSPs).
  { table: 'accounts', source: 'name', key: 'name_normalized', mirrors: ['name_key'], scope: 'msp_id', unique: 'name_key IS NOT NULL AND msp_id IS NOT NULL', indexed: 'name_key', max: ORGANIZATION_NAME_KEY_MAX },
  { table: 'monitored_users', source: 'identity', key: 'identity_key', mirrors: [], scope: 'account_id', unique: '1 = 1', indexed: 'identity_key', max: IDENTITY_KEY_MAX },
];

const PAGE = 2000;

/** The key a stored text gets under the current rule (stored texts are already trimmed). */
const keyOf = (text: string) => comparisonKey(text.normalize('NFC').trim());
const length = (text: string) => [...text].length;
/** A key no input can produce (it starts with a control character), unique by the row's id. */
const marked = (id: number, oldKey: string, max: number) => [...`\u0001${id}:${oldKey}`].slice(0, max).join('');

/**
 * Recomputes every normalized key column (admin emails, organization names, identities, and the
 * email a pending verification link was made for) with the current comparison rule. Where the
 * new rule makes two rows' keys equal under a unique index, a row whose key does not change keeps
 * it, and otherwise the earliest row (by id) takes the new key; every other row keeps its old key
 * (or, if a row processed before it took that, a marked `\u0001<id>:<old key>` key) and is
 * reported. A key that no longer fits its column is kept and reported the same way. Only rows
 * whose key changes are held in memory; the rest is one scan in id order and indexed lookups.
 */
export async function recomputeComparisonKeys(runner: QueryRunner): Promise<KeyCollision[]> {
  const collisions: KeyCollision[] = [];
  for (const set of KEY_SETS) {
    const changed = await changedRows(runner, set);
    const chosen = await assign(runner, set, changed, collisions);
    await write(runner, set, chosen);
    if (set.key === 'admin_email_key') await followEmailLinks(runner, [...chosen.keys()]);
  }
  return collisions;
}

/** The rows of one key set whose key the current rule changes, in id order. */
async function changedRows(runner: QueryRunner, set: KeySet): Promise<Row[]> {
  const q = (name: string) => runner.connection.driver.escape(name);
  const changed: Row[] = [];
  for (let after = 0; ; ) {
    const page: Array<{ id: number; scope: number | null; isUnique: number; source: string; oldKey: string }> = await runner.query(
      `SELECT ${q('id')} AS id, ${set.scope ? q(set.scope) : 'NULL'} AS scope, CASE WHEN ${set.unique} THEN 1 ELSE 0 END AS ${q('isUnique')},
              ${q(set.source)} AS source, ${q(set.key)} AS ${q('oldKey')}
       FROM ${q(set.table)} WHERE ${q('id')} > ? ORDER BY ${q('id')} LIMIT ${PAGE}`,
      [after],
    );
    for (const raw of page) {
      const newKey = keyOf(raw.source);
      if (newKey === raw.oldKey) continue;
      changed.push({ id: Number(raw.id), scope: raw.scope === null ? null : Number(raw.scope), unique: Number(raw.isUnique) === 1, oldKey: raw.oldKey, newKey });
    }
    if (page.length < PAGE) return changed;
    after = Number(page[page.length - 1].id);
  }
}

/** Chooses each changed row's key (see `recomputeComparisonKeys`): row id to its key. */
async function assign(runner: QueryRunner, set: KeySet, changed: Row[], collisions: KeyCollision[]): Promise<Map<number, string>> {
  const q = (name: string) => runner.connection.driver.escape(name);
  const moving = new Set(changed.map((row) => row.id));
  // Keys taken by changed rows already placed, per scope.
  const claimed = new Map<string, number>();
  const claim = (row: Row, key: string) => claimed.set(`${row.scope}\u0000${key}`, row.id);
  const claimer = (row: Row, key: string) => claimed.get(`${row.scope}\u0000${key}`);
  /** A row that keeps its key and holds `key` in the row's scope, if any. */
  const staying = async (row: Row, key: string): Promise<number | undefined> => {
    const scoped = set.scope ? `${q(set.scope)} = ? AND ` : '';
    const found: Array<{ id: number }> = await runner.query(
      `SELECT ${q('id')} AS id FROM ${q(set.table)} WHERE ${scoped}${q(set.indexed)} = ? AND ${set.unique}`,
      set.scope ? [row.scope, key] : [key],
    );
    return found.map((f) => Number(f.id)).find((id) => !moving.has(id));
  };
  const chosen = new Map<number, string>();
  for (const row of changed) {
    const fits = length(row.newKey) <= set.max;
    if (!row.unique) {
      if (fits) chosen.set(row.id, row.newKey);
      continue;
    }
    const heldBy = fits ? (claimer(row, row.newKey) ?? (await staying(row, row.newKey))) : undefined;
    if (fits && heldBy === undefined) {
      claim(row, row.newKey);
      chosen.set(row.id, row.newKey);
      continue;
    }
    const kept = claimer(row, row.oldKey) === undefined ? row.oldKey : marked(row.id, row.oldKey, set.max);
    claim(row, kept);
    if (kept !== row.oldKey) chosen.set(row.id, kept);
    collisions.push({ table: set.table, column: set.key, id: row.id, wanted: row.newKey, heldBy: heldBy ?? null, kept });
  }
  return chosen;
}

/**
 * Writes the chosen keys in two passes, first an interim key per row, so no statement meets a
 * unique index still holding another changed row's old key.
 */
async function write(runner: QueryRunner, set: KeySet, changes: Map<number, string>): Promise<void> {
  const q = (name: string) => runner.connection.driver.escape(name);
  const columns = [set.key, ...set.mirrors];
  const assignments = columns.map((c, i) => (i === 0 ? `${q(c)} = ?` : `${q(c)} = CASE WHEN ${q(c)} IS NULL THEN NULL ELSE ? END`)).join(', ');
  for (const interim of [true, false]) {
    for (const [id, key] of changes) {
      const value = interim ? `\u0001rekey-${id}` : key;
      await runner.query(`UPDATE ${q(set.table)} SET ${assignments} WHERE ${q('id')} = ?`, [...columns.map(() => value), id]);
    }
  }
}

/** A pending verification link made for an account's current email follows the account's new key. */
async function followEmailLinks(runner: QueryRunner, accountIds: number[]): Promise<void> {
  const q = (name: string) => runner.connection.driver.escape(name);
  for (const accountId of accountIds) {
    const [account]: Array<{ email: string; emailKey: string }> = await runner.query(
      `SELECT ${q('admin_email')} AS email, ${q('admin_email_key')} AS ${q('emailKey')} FROM ${q('accounts')} WHERE ${q('id')} = ?`,
      [accountId],
    );
    const links: Array<{ id: number; emailKey: string }> = await runner.query(
      `SELECT ${q('id')} AS id, ${q('email_key')} AS ${q('emailKey')} FROM ${q('email_verifications')} WHERE ${q('account_id')} = ?`,
      [accountId],
    );
    for (const link of links) {
      if (link.emailKey !== account.emailKey && keyOf(link.emailKey) === keyOf(account.email)) {
        await runner.query(`UPDATE ${q('email_verifications')} SET ${q('email_key')} = ? WHERE ${q('id')} = ?`, [account.emailKey, Number(link.id)]);
      }
    }
  }
}
