import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import { Engine } from '../../src/database/data-source';

/** Every database test runs on SQLite, and on MySQL/MariaDB whenever TEST_MYSQL_URL is set. */
export const ENGINES: Engine[] = process.env.TEST_MYSQL_URL ? ['sqlite', 'mysql'] : ['sqlite'];

/** A fresh, empty database for one test file: its URL (undefined for SQLite) and how to drop it. */
export async function freshDatabase(engine: Engine): Promise<{ url: string | undefined; sqliteFile?: string; drop: () => Promise<void> }> {
  if (engine === 'sqlite') return { url: undefined, sqliteFile: ':memory:', drop: async () => undefined };
  const base = new URL(process.env.TEST_MYSQL_URL as string);
  const name = `cc_test_${randomBytes(5).toString('hex')}`;
  const admin = await createConnection({ host: base.hostname, port: Number(base.port || 3306), user: decodeURIComponent(base.username), password: decodeURIComponent(base.password) });
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const conn = await createConnection({ host: base.hostname, port: Number(base.port || 3306), user: decodeURIComponent(base.username), password: decodeURIComponent(base.password) });
      try {
        await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await conn.end();
      }
    },
  };
}

/**
 * Declares a suite for a guarantee only MySQL/MariaDB gives (DESIGN.md names them). Without
 * TEST_MYSQL_URL its tests are declared skipped, so the run reports them as skipped, never as
 * passed; CI sets the URL and fails when no test ran on MariaDB.
 */
export function describeOnMysql(name: string, body: () => void): void {
  if (ENGINES.includes('mysql')) describe(`${name} [mysql]`, body);
  else describe.skip(`${name} [mysql] (TEST_MYSQL_URL is not set)`, body);
}
