import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, QueryRunner } from 'typeorm';
import { Database, openDatabase } from '../src/database/data-source';
import { entities } from '../src/entities';
import { buildApp } from '../src/http/app';
import { createServices } from '../src/services';
import { ManualClock } from '../src/services/clock';

/**
 * SQLite: today's design (one connection; plain statements queued behind the open transaction)
 * against the alternative the review proposed (plain reads outside a transaction on a second,
 * read-only WAL connection, so they never wait for a transaction). Mixed load in one process:
 * READERS dashboard loops and one writer adding customers in a loop, for SECONDS each.
 *
 *   npm run build && node dist/bench/sqlite-readers.bench.js
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const READERS = Number(process.env.BENCH_READERS ?? 8);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 300);
const WRITERS = Number(process.env.BENCH_WRITERS ?? 1);
const DASHBOARD = `{ msp { customerCounts { paid activeTrials expiredTrials total }
  billableMonitoredUsers customers(first: 50) { totalCount nodes { id organizationName subscriptionState monitoredUserCount } } } }`;

/** The alternative, grafted onto a running Database: SELECTs outside a transaction go to a read-only connection. */
async function addReadConnection(db: Database, file: string): Promise<DataSource> {
  const reader = new DataSource({ type: 'better-sqlite3', database: file, readonly: true, entities, timeout: 5000 });
  await reader.initialize();
  const readRunner = reader.createQueryRunner();
  const shared: QueryRunner = db.dataSource.createQueryRunner();
  const query = shared.query.bind(shared) as (...args: unknown[]) => Promise<unknown>;
  const inside = () => (db as unknown as { insideTransaction(): unknown }).insideTransaction();
  shared.query = ((sql: string, ...rest: unknown[]) =>
    /^\s*SELECT/i.test(sql) && !inside() ? (readRunner.query as (...a: unknown[]) => Promise<unknown>)(sql, ...rest) : query(sql, ...rest)) as QueryRunner['query'];
  return reader;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function run(design: 'queue' | 'reader'): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'cc-sqlite-bench-'));
  const file = join(dir, 'bench.sqlite');
  const db = await openDatabase({ url: undefined, sqliteFile: file });
  const reader = design === 'reader' ? await addReadConnection(db, file) : undefined;
  const clock = new ManualClock(new Date('2026-06-01T12:00:00Z'));
  const services = createServices(db, clock, { trialLengthDays: 14, appUrl: 'http://localhost', accessTokenSecret: 'x'.repeat(32), auditRetentionDays: 365 });
  const app = await buildApp({ services, production: true, introspection: false, requestTimeoutMs: 60_000, bodyLimitBytes: 1 << 20, logger: false });
  try {
    const created = await services.msps.createMsp('Bench MSP', 'bench@msp.example');
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    const principal = { keyId: created.value.apiKey.key.id, keyPrefix: created.value.apiKey.key.prefix, role: created.value.apiKey.key.role, mspId: created.value.msp.id };
    let n = 0;
    const add = async () => {
      const outcome = await services.customers.addCustomer(principal, { organizationName: `Customer ${++n}`, adminEmail: `c${n}@bench.example` });
      if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
    };
    for (let i = 0; i < CUSTOMERS; i++) await add();
    const dashboard = async () => {
      const response = await app.inject({ method: 'POST', url: '/graphql', headers: { authorization: `Bearer ${created.value.apiKey.secret}`, 'content-type': 'application/json' }, payload: { query: DASHBOARD } });
      if (response.statusCode !== 200) throw new Error(response.body);
    };
    for (let i = 0; i < 100; i++) await dashboard();
    const latencies: number[] = [];
    let writes = 0;
    const until = Date.now() + SECONDS * 1000;
    const readerLoop = async () => {
      while (Date.now() < until) {
        const t0 = process.hrtime.bigint();
        await dashboard();
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    };
    // Through HTTP like the readers: a loop of direct service calls on the synchronous driver
    // would run in microtasks only and starve the event loop (and every request) until it ends.
    const addOverHttp = async () => {
      n += 1;
      const response = await app.inject({
        method: 'POST',
        url: '/graphql',
        headers: { authorization: `Bearer ${created.value.apiKey.secret}`, 'content-type': 'application/json' },
        payload: { query: 'mutation($i: AddCustomerInput!) { addCustomer(input: $i) { userErrors { code } } }', variables: { i: { organizationName: `Customer ${n}`, adminEmail: `c${n}@bench.example` } } },
      });
      if (response.statusCode !== 200 || response.body.includes('"code"')) throw new Error(response.body);
    };
    const writerLoop = async () => {
      while (Date.now() < until) {
        await addOverHttp();
        writes++;
      }
    };
    await Promise.all([...Array.from({ length: WRITERS }, writerLoop), ...Array.from({ length: READERS }, readerLoop)]);
    latencies.sort((a, b) => a - b);
    return `${design.padEnd(7)} ${String(Math.round(latencies.length / SECONDS)).padStart(8)}   ${percentile(latencies, 50).toFixed(1).padStart(7)}  ${percentile(latencies, 99).toFixed(1).padStart(7)}   ${String(Math.round(writes / SECONDS)).padStart(9)}`;
  } finally {
    await app.close();
    await reader?.destroy();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const rows: string[] = [];
  // Alternated, so warm-up and machine noise fall on both alike.
  for (const design of ['queue', 'reader', 'queue', 'reader'] as const) rows.push(await run(design));
  console.log(`SQLite, ${READERS} dashboard readers + ${WRITERS} writer(s) (addCustomer), ${CUSTOMERS}+ customers, ${SECONDS}s per run, in process`);
  console.log('design  dash/s   p50 ms   p99 ms   writes/s');
  for (const row of rows) console.log(row);
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
