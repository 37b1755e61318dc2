import { createConnection } from 'mysql2/promise';
import { randomBytes } from 'node:crypto';
import { DataSource, DataSourceOptions } from 'typeorm';
import { MysqlDataSourceOptions } from 'typeorm/driver/mysql/MysqlDataSourceOptions';
import { Database, MYSQL_KEY_COLLATION, applyEngineCollations, openDatabase } from '../src/database/data-source';
import { keyColumns } from '../src/entities/key-column';
import { describeEachEngine } from './support/harness';

/**
 * SQL the schema builder would run to bring the database in line with the entities.
 * On MariaDB the product connects with TypeORM's `mysql` type, whose schema reader takes
 * MariaDB's quoted `COLUMN_DEFAULT` ('NULL') for a real default and so reports every nullable
 * column as changed; the comparison is made through a `mariadb`-typed data source instead.
 */
async function pendingSchemaChanges(db: Database): Promise<string[]> {
  const [{ version }] = db.engine === 'mysql' ? await db.dataSource.query('SELECT VERSION() AS version') : [{ version: '' }];
  if (!/mariadb/i.test(version)) {
    const sql = await db.dataSource.driver.createSchemaBuilder().log();
    return sql.upQueries.map((q) => q.query);
  }
  const inspector = new DataSource({ ...(db.dataSource.options as MysqlDataSourceOptions), type: 'mariadb', migrations: [], poolSize: 1, logger: undefined } as DataSourceOptions);
  await inspector.initialize();
  try {
    applyEngineCollations(inspector);
    const sql = await inspector.driver.createSchemaBuilder().log();
    return sql.upQueries.map((q) => q.query);
  } finally {
    await inspector.destroy();
  }
}

interface IndexShape {
  name: string;
  table: string;
  columns: string[];
  unique: boolean;
}

/** Every index of the product's tables, read from the database's own catalogue. */
async function indexes(db: Database): Promise<IndexShape[]> {
  const query = (sql: string, params: unknown[] = []) => db.dataSource.query(sql, params) as Promise<Array<Record<string, any>>>;
  const out: IndexShape[] = [];
  if (db.engine === 'mysql') {
    const rows = await query(
      `SELECT TABLE_NAME AS t, INDEX_NAME AS i, NON_UNIQUE AS nu, COLUMN_NAME AS c FROM information_schema.STATISTICS
       WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
    );
    for (const row of rows) {
      let index = out.find((x) => x.table === row.t && x.name === row.i);
      if (!index) out.push((index = { name: row.i, table: row.t, columns: [], unique: Number(row.nu) === 0 }));
      index.columns.push(row.c);
    }
    return out;
  }
  for (const { name: table } of await query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)) {
    for (const index of await query(`PRAGMA index_list("${table}")`)) {
      const columns = (await query(`PRAGMA index_info("${index.name}")`)).sort((a, b) => a.seqno - b.seqno).map((c) => c.name);
      out.push({ name: index.name, table, columns, unique: Number(index.unique) === 1 });
    }
  }
  // Table order is not part of the schema (SQLite lists a table rebuilt by a migration last).
  return out.sort((a, b) => `${a.table}.${a.name}`.localeCompare(`${b.table}.${b.name}`));
}

/** The indexes the issue asks for: what the queries and the uniqueness rules stand on. */
const REQUIRED: IndexShape[] = [
  // by MSP and state, covering what the totals read
  { table: 'accounts', name: 'IDX_accounts_msp_state', columns: ['msp_id', 'removed_at', 'plan', 'trial_ends_at', 'user_count'], unique: false },
  // a tab's page, newest first, walked in order (no filesort of the MSP's trials)
  { table: 'accounts', name: 'IDX_accounts_msp_plan_created', columns: ['msp_id', 'removed_at', 'plan', 'created_at', 'id', 'trial_ends_at'], unique: false },
  // by normalized organization name (sorting and the per-MSP uniqueness of current names)
  { table: 'accounts', name: 'IDX_accounts_msp_name', columns: ['msp_id', 'removed_at', 'name_normalized'], unique: false },
  { table: 'accounts', name: 'UQ_accounts_msp_name_key', columns: ['msp_id', 'name_key'], unique: true },
  // by account number
  { table: 'accounts', name: 'UQ_accounts_account_number', columns: ['account_number'], unique: true },
  // unique normalized admin email
  { table: 'accounts', name: 'UQ_accounts_admin_email_key', columns: ['admin_email_key'], unique: true },
  // unique (account, normalized identity)
  { table: 'monitored_users', name: 'UQ_monitored_users_account_identity', columns: ['account_id', 'identity_key'], unique: true },
  // unique (MSP, idempotency key)
  { table: 'idempotency_keys', name: 'UQ_idempotency_keys_msp_key', columns: ['msp_id', 'idem_key'], unique: true },
  // keys are found by prefix
  { table: 'api_keys', name: 'UQ_api_keys_prefix', columns: ['prefix'], unique: true },
];

/** Table and column of each normalized key column, from the entity metadata. */
function keyColumnNames(db: Database): Array<{ table: string; column: string }> {
  return keyColumns.map(({ target, propertyName }) => {
    const metadata = db.dataSource.getMetadata(target);
    const column = metadata.findColumnWithPropertyName(propertyName);
    if (!column) throw new Error(`no column ${propertyName} on ${metadata.tableName}`);
    return { table: metadata.tableName, column: column.databaseName };
  });
}

describeEachEngine('migrations', (api, engine) => {
  it('leave no pending schema change', async () => {
    expect(await pendingSchemaChanges(api().db)).toEqual([]);
  });

  it('are checked by a guard that does see drift (a missing index)', async () => {
    const { dataSource } = api().db;
    const q = (name: string) => dataSource.driver.escape(name);
    await dataSource.query(engine === 'mysql' ? `DROP INDEX ${q('IDX_api_keys_msp')} ON ${q('api_keys')}` : `DROP INDEX ${q('IDX_api_keys_msp')}`);
    try {
      expect(await pendingSchemaChanges(api().db)).toEqual([expect.stringMatching(/CREATE INDEX .IDX_api_keys_msp. ON .api_keys. \(.msp_id., .created_at.\)/)]);
    } finally {
      await dataSource.query(`CREATE INDEX ${q('IDX_api_keys_msp')} ON ${q('api_keys')} (${q('msp_id')}, ${q('created_at')})`);
    }
    expect(await pendingSchemaChanges(api().db)).toEqual([]);
  });

  it('create the indexes the queries and uniqueness rules stand on', async () => {
    const found = await indexes(api().db);
    for (const required of REQUIRED) {
      expect(found).toContainEqual(required);
    }
  });

  it('run twice is a no-op', async () => {
    const before = await indexes(api().db);
    expect(await api().db.dataSource.runMigrations()).toEqual([]);
    expect(await api().db.dataSource.showMigrations()).toBe(false);
    expect(await indexes(api().db)).toEqual(before);
  });

  it('undo the last migrations that create tables, and run again to the same schema', async () => {
    const dataSource = api().db.dataSource;
    const before = await indexes(api().db);
    // Rows in tables the undone migration did not create must survive it.
    const existing = await api().makeMsp();
    await existing.addCustomer({ users: 1 });
    const accounts = await api().rowCount('accounts');
    expect(accounts).toBeGreaterThanOrEqual(2);
    // The last one adds an index only; the one before it creates the webhook tables.
    await api().db.exclusive(() => dataSource.undoLastMigration());
    expect(await dataSource.showMigrations()).toBe(true);
    expect((await indexes(api().db)).map((index) => index.name)).not.toContain('IDX_accounts_msp_plan_created');
    await api().db.exclusive(() => dataSource.undoLastMigration());
    await expect(api().rowCount('webhook_events')).rejects.toThrow();
    expect(await api().rowCount('accounts')).toBe(accounts);
    const applied = await api().db.exclusive(() => dataSource.runMigrations());
    expect(applied.map((m) => m.name)).toEqual(dataSource.migrations.map((m) => m.name ?? m.constructor.name).slice(-2));
    expect(await indexes(api().db)).toEqual(before);
    expect(await pendingSchemaChanges(api().db)).toEqual([]);
    // The API serves on the re-created schema.
    const msp = await api().makeMsp();
    await msp.addCustomer({ users: 1 });
    expect(await api().ok(msp.key, `{ msp { customerCounts { total } } }`)).toEqual({ msp: { customerCounts: { total: 1 } } });
  });

  if (engine === 'mysql') {
    it(`give every normalized key column ${MYSQL_KEY_COLLATION}, so MariaDB compares them like SQLite`, async () => {
      const columns = keyColumnNames(api().db);
      expect(columns).toEqual(
        expect.arrayContaining([
          { table: 'accounts', column: 'admin_email_key' },
          { table: 'accounts', column: 'name_key' },
          { table: 'monitored_users', column: 'identity_key' },
          { table: 'idempotency_keys', column: 'idem_key' },
        ]),
      );
      for (const { table, column } of columns) {
        const rows = await api().db.dataSource.query(
          'SELECT COLLATION_NAME AS collation FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?',
          [table, column],
        );
        expect({ table, column, collation: rows[0]?.collation }).toEqual({ table, column, collation: MYSQL_KEY_COLLATION });
      }
    });

    it('make utf8mb4 tables and text columns even when the database defaults to latin1', async () => {
      const base = new URL(process.env.TEST_MYSQL_URL as string);
      const name = `cc_test_latin1_${randomBytes(4).toString('hex')}`;
      const connect = () =>
        createConnection({ host: base.hostname, port: Number(base.port || 3306), user: decodeURIComponent(base.username), password: decodeURIComponent(base.password) });
      const admin = await connect();
      await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET latin1 COLLATE latin1_swedish_ci`);
      await admin.end();
      const url = new URL(base.toString());
      url.pathname = `/${name}`;
      const db = await openDatabase({ url: url.toString(), poolSize: 2 });
      try {
        const tables = await db.dataSource.query(
          `SELECT TABLE_NAME AS t, TABLE_COLLATION AS c FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> 'migrations'`,
        );
        expect(tables.length).toBe(15);
        for (const table of tables) expect({ table: table.t, collation: table.c }).toEqual({ table: table.t, collation: expect.stringMatching(/^utf8mb4_/) });
        const columns = await db.dataSource.query(
          `SELECT TABLE_NAME AS t, COLUMN_NAME AS c, CHARACTER_SET_NAME AS cs FROM information_schema.COLUMNS
           WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> 'migrations' AND CHARACTER_SET_NAME IS NOT NULL`,
        );
        for (const column of columns) expect({ column: `${column.t}.${column.c}`, charset: column.cs }).toEqual({ column: `${column.t}.${column.c}`, charset: 'utf8mb4' });
        expect(await pendingSchemaChanges(db)).toEqual([]);
        // An address outside latin1 round-trips.
        await db.dataSource.query(`INSERT INTO monitored_users (account_id, identity, identity_key, display_name, first_seen_at, last_seen_at) VALUES (1, ?, ?, ?, NOW(3), NOW(3))`, [
          'zoë',
          'zoë',
          'Zoë 🚀 Łukasz',
        ]);
        const [row] = await db.dataSource.query('SELECT display_name AS d FROM monitored_users');
        expect(row.d).toBe('Zoë 🚀 Łukasz');
      } finally {
        await db.close();
        const cleanup = await connect();
        await cleanup.query(`DROP DATABASE IF EXISTS \`${name}\``);
        await cleanup.end();
      }
    });
  }
});
