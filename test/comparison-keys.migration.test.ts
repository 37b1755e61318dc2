import { randomBytes } from 'node:crypto';
import { KeyCollision } from '../src/database/migrations/recompute-comparison-keys';
import { TestCustomer, describeEachEngine } from './support/harness';

/**
 * The migration that moved the stored keys to the new comparison form (issue 7): existing rows
 * are recomputed, a pair that the new rule makes equal is reported instead of failing, and every
 * row keeps working afterwards. Rows are seeded as the previous rule wrote them.
 */

const ADD = `mutation($input: AddCustomerInput!) { addCustomer(input: $input) { customer { id } userErrors { field code } } }`;
const UPDATE = `mutation($input: UpdateCustomerInput!) { updateCustomer(input: $input) { customer { organizationName } userErrors { field code } } }`;
const SEARCH = `query($search: String) { msp { customers(search: $search, first: 50) { nodes { organizationName } } } }`;

/** The previous rule: NFC, trimmed, lower-cased per character unless that made it longer (İ). */
function oldKey(text: string): string {
  let key = '';
  for (const char of text.normalize('NFC').trim()) {
    const lower = char.toLowerCase();
    key += lower.length === char.length ? lower : char;
  }
  return key;
}

const DOTTED_I = '\u0130';
const I_DOT = 'i\u0307';

describeEachEngine('comparison keys migration', (api) => {
  const query = (sql: string, params: unknown[] = []) => api().db.dataSource.query(sql, params);
  const account = async (customer: TestCustomer) =>
    (await query('SELECT name_normalized AS nameNormalized, name_key AS nameKey, admin_email_key AS emailKey FROM accounts WHERE id = ?', [customer.entity.id]))[0];

  it('recomputes every key, reports the pairs that now collide, keeps the unique indexes, and leaves every row working', async () => {
    const dataSource = api().db.dataSource;
    const msp = await api().makeMsp();
    const c: TestCustomer[] = [];
    for (let i = 0; i < 5; i++) c.push(await msp.addCustomer());
    for (const identity of ['u1', 'u2', 'u3']) await c[1].registerUser(identity);

    // Back to the schema before the migration (undoing the later ones first), with rows as the
    // previous rule keyed them.
    const later = dataSource.migrations.length - 1 - dataSource.migrations.findIndex((m) => (m.name ?? m.constructor.name) === 'ComparisonKeys1764417600000');
    for (let i = 0; i <= later; i++) await api().db.exclusive(() => dataSource.undoLastMigration());
    expect(await dataSource.showMigrations()).toBe(true);
    const seed = async (customer: TestCustomer, name: string, email: string) =>
      query('UPDATE accounts SET name = ?, name_normalized = ?, name_key = ?, admin_email = ?, admin_email_key = ? WHERE id = ?', [
        name,
        oldKey(name),
        oldKey(name),
        email,
        oldKey(email),
        customer.entity.id,
      ]);
    await seed(c[0], `${DOTTED_I}STANBUL Trading`, `${DOTTED_I}NFO@trading.example`); // changes, and now equals c[1]
    await seed(c[1], `${I_DOT}stanbul Trading`, `${I_DOT}nfo@trading.example`); // already in the new form
    await seed(c[2], '\uff21\uff23\uff2d\uff25 Wide', 'Gro\u00df@wide.example'); // changes, no collision
    await seed(c[3], 'Strasse Partners', 'strasse@partners.example'); // already in the new form
    await seed(c[4], 'Stra\u00dfe Partners', 'strasse2@partners.example'); // changes, and now equals c[3]
    const identities = [`${DOTTED_I}NFO`, `${I_DOT}nfo`, 'Ma\u00df'];
    for (const [i, identity] of identities.entries()) {
      await query('UPDATE monitored_users SET identity = ?, identity_key = ? WHERE account_id = ? AND identity_key = ?', [identity, oldKey(identity), c[1].entity.id, `u${i + 1}`]);
    }
    // A pending verification link for c[2]'s address, keyed the old way.
    const link = randomBytes(32).toString('hex');
    await query('INSERT INTO email_verifications (account_id, token_hash, email_key, created_at, expires_at) VALUES (?, ?, ?, ?, ?)', [
      c[2].entity.id,
      link,
      oldKey('Gro\u00df@wide.example'),
      '2025-01-01 00:00:00.000',
      '2099-01-01 00:00:00.000',
    ]);

    const log = jest.spyOn(dataSource.logger, 'log');
    let warnings: unknown[];
    try {
      const applied = await api().db.exclusive(() => dataSource.runMigrations());
      expect(applied.map((m) => m.name)[0]).toEqual('ComparisonKeys1764417600000');
    } finally {
      warnings = log.mock.calls.filter(([level]) => level === 'warn').map(([, message]) => message);
      log.mockRestore();
    }

    // Recomputed where nothing collides.
    expect(await account(c[2])).toEqual({ nameNormalized: 'acme wide', nameKey: 'acme wide', emailKey: 'gross@wide.example' });
    const [followed] = await query('SELECT email_key AS emailKey FROM email_verifications WHERE token_hash = ?', [link]);
    expect(followed.emailKey).toBe('gross@wide.example');
    const userKeys = await query('SELECT id, identity_key AS identityKey FROM monitored_users WHERE account_id = ? ORDER BY id', [c[1].entity.id]);
    expect(userKeys.map((u: { identityKey: string }) => u.identityKey)).toEqual([oldKey(`${DOTTED_I}NFO`), `${I_DOT}nfo`, 'mass']);

    // Collisions: the row already in the new form keeps its key; the other keeps its old one.
    expect(await account(c[1])).toEqual({ nameNormalized: `${I_DOT}stanbul trading`, nameKey: `${I_DOT}stanbul trading`, emailKey: `${I_DOT}nfo@trading.example` });
    expect(await account(c[0])).toEqual({ nameNormalized: oldKey(`${DOTTED_I}STANBUL Trading`), nameKey: oldKey(`${DOTTED_I}STANBUL Trading`), emailKey: oldKey(`${DOTTED_I}NFO@trading.example`) });
    expect(await account(c[3])).toMatchObject({ nameKey: 'strasse partners' });
    expect(await account(c[4])).toMatchObject({ nameKey: 'stra\u00dfe partners', emailKey: 'strasse2@partners.example' });

    const reported = warnings as Array<KeyCollision & { message: string }>;
    const firstUser = Number(userKeys[0].id);
    const secondUser = Number(userKeys[1].id);
    expect(reported).toEqual([
      { message: 'comparison key collision', table: 'accounts', column: 'admin_email_key', id: c[0].entity.id, wanted: `${I_DOT}nfo@trading.example`, heldBy: c[1].entity.id, kept: oldKey(`${DOTTED_I}NFO@trading.example`) },
      { message: 'comparison key collision', table: 'accounts', column: 'name_normalized', id: c[0].entity.id, wanted: `${I_DOT}stanbul trading`, heldBy: c[1].entity.id, kept: oldKey(`${DOTTED_I}STANBUL Trading`) },
      { message: 'comparison key collision', table: 'accounts', column: 'name_normalized', id: c[4].entity.id, wanted: 'strasse partners', heldBy: c[3].entity.id, kept: 'stra\u00dfe partners' },
      { message: 'comparison key collision', table: 'monitored_users', column: 'identity_key', id: firstUser, wanted: `${I_DOT}nfo`, heldBy: secondUser, kept: oldKey(`${DOTTED_I}NFO`) },
    ]);

    // Every row still works: read, searched in the new form, renamed; new input meets the new keys.
    const names = async (search: string) => (await api().ok(msp.key, SEARCH, { search })).msp.customers.nodes.map((n: { organizationName: string }) => n.organizationName).sort();
    expect(await names('ACME WIDE')).toEqual(['\uff21\uff23\uff2d\uff25 Wide']);
    expect(await names(`${DOTTED_I}STANBUL TRADING`)).toEqual([`${I_DOT}stanbul Trading`]);
    const taken = (await api().ok(msp.key, ADD, { input: { organizationName: 'Anything new', adminEmail: `${DOTTED_I}NFO@TRADING.example` } })).addCustomer;
    expect(taken.userErrors).toEqual([{ field: ['input', 'adminEmail'], code: 'EMAIL_TAKEN' }]);
    const renamed = (await api().ok(msp.key, UPDATE, { input: { customerId: c[0].id, organizationName: 'Istanbul Trading Two' } })).updateCustomer;
    expect(renamed).toEqual({ customer: { organizationName: 'Istanbul Trading Two' }, userErrors: [] });
    expect(await account(c[0])).toMatchObject({ nameKey: 'istanbul trading two' });
  });
});
