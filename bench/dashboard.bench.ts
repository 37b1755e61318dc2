import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database, openDatabase } from '../src/database/data-source';
import { statementCounter } from '../src/database/statement-counter';
import { AccountEntity, AccountKind, MonitoredUserEntity, StoredPlan } from '../src/entities';
import { buildApp } from '../src/http/app';
import { createServices, Services } from '../src/services';
import { DAY_MS, ManualClock } from '../src/services/clock';
import { FREEMIUM_USER_LIMIT } from '../src/services/subscription/subscription-rule';
import { DASHBOARD } from './scenarios';

/**
 * The dashboard query's cost for a small and a large MSP, in one process (Fastify inject,
 * no network): requests per second, latency and SQL statements per request. The data is
 * bulk-loaded with SQL, the rollups rebuilt from it, and the API's totals checked against a
 * brute-force aggregate before anything is timed. The clock stands 10 minutes (one expiry-pass
 * interval) past the rollup watermark, with trials ending inside that window, so every request
 * pays the read-time correction.
 *
 * The quick variant of `npm run bench` (bench/run.ts), for a change's first check: no HTTP, no
 * separate process, no baseline; the full benchmark is the one whose figures count.
 *
 *   npm run bench:quick                        # embedded SQLite in a temporary directory
 *   DATABASE_URL=mysql://... npm run bench:quick
 *   BENCH_SIZES=100,2000,10000 BENCH_SECONDS=5 npm run bench:quick
 */
const SIZES = (process.env.BENCH_SIZES ?? '100,10000').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const PASS_WINDOW_MS = 10 * 60 * 1000;

/**
 * The full benchmark's dashboard query, by default over every customer (no tab), 50 a page;
 * BENCH_STATE (e.g. ACTIVE_TRIAL, the full benchmark's tab) and BENCH_FIRST change them.
 */
const VARIABLES = { first: Number(process.env.BENCH_FIRST ?? 50), state: process.env.BENCH_STATE?.trim() || null };

async function load(services: Services, clock: ManualClock, size: number, tag: string, series: number): Promise<{ key: string; mspId: number }> {
  const created = await services.msps.createMsp(`Bench MSP ${tag}`, `bench-${tag}@msp.example`);
  if (!created.ok) throw new Error(JSON.stringify(created.errors));
  const { msp, apiKey } = created.value;
  const now = clock.now().getTime();
  const db = services.db;
  for (let start = 0; start < size; start += 500) {
    const accounts: Partial<AccountEntity>[] = [];
    for (let i = start; i < Math.min(size, start + 500); i++) {
      const kind = i % 3; // 0 paid, 1 active trial, 2 expired trial
      const endingInWindow = i % 97 === 1; // ends between the watermark and now
      const trialEndsAt = endingInWindow
        ? new Date(now - PASS_WINDOW_MS / 2)
        : new Date(now + (kind === 2 ? -((i % 20) + 1) : (i % 13) + 1) * DAY_MS);
      const name = `customer ${tag} ${String(i).padStart(6, '0')}`;
      accounts.push({
        // 9 digits, outside the 8-digit range the service draws from, so they never clash with it.
        accountNumber: `${series + 1}${String(i).padStart(8, '0')}`,
        kind: AccountKind.CUSTOMER,
        mspId: msp.id,
        name,
        nameNormalized: name,
        nameKey: name,
        adminEmail: `c${i}-${tag}-${size}@bench.example`,
        adminEmailKey: `c${i}-${tag}-${size}@bench.example`,
        adminEmailVerifiedAt: null,
        externalId: null,
        externalIdKey: null,
        plan: kind === 0 ? StoredPlan.PAID : StoredPlan.TRIAL,
        trialEndsAt,
        licensedSeats: kind === 0 ? 5 : null,
        userCount: i % 7,
        removedAt: null,
        removalReason: null,
        purgedAt: null,
        createdAt: new Date(now - (size - i) * 60_000),
      });
    }
    const result = await db.manager.insert(AccountEntity, accounts);
    const users: Partial<MonitoredUserEntity>[] = [];
    result.identifiers.forEach((identifier, j) => {
      for (let u = 0; u < (start + j) % 7; u++) {
        users.push({
          accountId: Number(identifier.id),
          identity: `user${u}`,
          identityKey: `user${u}`,
          displayName: `User ${u}`,
          firstSeenAt: new Date(now - 3 * DAY_MS + u),
          lastSeenAt: new Date(now - 3 * DAY_MS + u),
        });
      }
    });
    for (let k = 0; k < users.length; k += 1000) await db.manager.insert(MonitoredUserEntity, users.slice(k, k + 1000));
  }
  // Rollups as of one expiry-pass interval ago, as a running server would have them.
  clock.set(new Date(now - PASS_WINDOW_MS));
  await services.rollups.rebuild(msp.id);
  clock.set(new Date(now));
  return { key: apiKey.secret, mspId: msp.id };
}

/** The totals by brute force over the accounts table, to check the rollups before timing them. */
async function bruteForce(db: Database, mspId: number, now: Date) {
  const rows = await db.manager.find(AccountEntity, { where: { mspId } });
  const totals = { paid: 0, activeTrials: 0, expiredTrials: 0, billable: 0, active: 0, expired: 0 };
  for (const a of rows) {
    if (a.removedAt) continue;
    if (a.plan === StoredPlan.PAID) (totals.paid += 1), (totals.billable += a.userCount);
    else if (a.trialEndsAt && a.trialEndsAt > now) (totals.activeTrials += 1), (totals.active += a.userCount);
    else (totals.expiredTrials += 1), (totals.expired += Math.min(a.userCount, FREEMIUM_USER_LIMIT));
  }
  return totals;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cc-bench-'));
  const url = process.env.DATABASE_URL?.trim() || undefined;
  const db = await openDatabase({ url, sqliteFile: join(dir, 'bench.sqlite'), poolSize: 10 });
  const clock = new ManualClock(new Date('2026-06-01T12:00:00Z'));
  const services = createServices(db, clock, { trialLengthDays: 14, appUrl: 'http://localhost:4000', accessTokenSecret: 'x'.repeat(32), auditRetentionDays: 365 });
  const app = await buildApp({ services, production: true, introspection: false, requestTimeoutMs: 60_000, bodyLimitBytes: 1 << 20, logger: false,
    // A budget large enough never to throttle: the benchmark measures the work, not the limiter.
    limits: { rateLimitPoints: 1_000_000_000, maxInFlightPerKey: 100_000 } });
  const engine = url ? 'MySQL/MariaDB' : 'SQLite (embedded)';
  process.stderr.write(`dashboard benchmark on ${engine}, ${SECONDS}s per size\n`);
  const results: Array<{ size: number; rps: number; mean: number; p95: number; statements: number }> = [];
  const prepared: Array<{ size: number; request: () => Promise<{ statusCode: number; body: string }> }> = [];
  try {
    for (const [series, size] of SIZES.entries()) {
      const tag = `${size}-${Date.now()}`;
      process.stderr.write(`loading ${size} customers...\n`);
      const { key, mspId } = await load(services, clock, size, tag, series);
      const request = () =>
        app.inject({ method: 'POST', url: '/graphql', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, payload: { query: DASHBOARD, variables: VARIABLES } });
      const first = (await request()).json();
      const expected = await bruteForce(db, mspId, clock.now());
      const got = first.data.msp;
      const seen = {
        paid: got.customerCounts.paid,
        activeTrials: got.customerCounts.activeTrials,
        expiredTrials: got.customerCounts.expiredTrials,
        billable: got.billableMonitoredUsers,
        active: got.activeTrialMonitoredUsers,
        expired: got.expiredTrialMonitoredUsers,
      };
      const inTab = { ACTIVE_TRIAL: expected.activeTrials, EXPIRED_TRIAL: expected.expiredTrials, PAID: expected.paid }[VARIABLES.state ?? ''] ?? size;
      if (JSON.stringify(seen) !== JSON.stringify(expected) || got.customers.nodes.length !== Math.min(VARIABLES.first, inTab)) {
        throw new Error(`totals disagree for ${size} customers: API ${JSON.stringify(seen)} vs SQL ${JSON.stringify(expected)}`);
      }
      prepared.push({ size, request });
    }
    // Alternate the sizes in rounds so that JIT warm-up and machine noise fall on each alike.
    for (const { request } of prepared) for (let i = 0; i < 200; i++) await request();
    const samples = new Map<number, { latencies: number[]; statements: number }>(prepared.map((p) => [p.size, { latencies: [], statements: 0 }]));
    const rounds = 5;
    for (let round = 0; round < rounds; round++) {
      for (const { size, request } of prepared) {
        const sample = samples.get(size)!;
        const statementsBefore = statementCounter.total;
        const deadline = Date.now() + (SECONDS * 1000) / rounds;
        while (Date.now() < deadline) {
          const t0 = process.hrtime.bigint();
          const response = await request();
          sample.latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
          if (response.statusCode !== 200) throw new Error(`status ${response.statusCode}: ${response.body}`);
        }
        sample.statements += statementCounter.total - statementsBefore;
      }
    }
    for (const [size, { latencies, statements }] of samples) {
      latencies.sort((a, b) => a - b);
      const mean = latencies.reduce((a, b) => a + b, 0) / latencies.length;
      results.push({ size, rps: 1000 / mean, mean, p95: percentile(latencies, 95), statements: statements / latencies.length });
    }
  } finally {
    await app.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`Dashboard query on ${engine} (the full benchmark's, ${VARIABLES.state ?? 'all customers'}, first: ${VARIABLES.first}), sequential, in process, ${SECONDS}s per size in 5 alternating rounds`);
  console.log('customers   req/s    mean ms   p95 ms   SQL statements/request');
  for (const r of results) {
    console.log(`${String(r.size).padStart(9)}  ${r.rps.toFixed(0).padStart(6)}   ${r.mean.toFixed(2).padStart(7)}  ${r.p95.toFixed(2).padStart(7)}   ${r.statements.toFixed(1)}`);
  }
  if (results.length >= 2) {
    const small = results[0];
    const large = results[results.length - 1];
    console.log(`cost of ${large.size} customers relative to ${small.size}: ${(small.rps / large.rps).toFixed(2)}x (throughput ${(large.rps / small.rps).toFixed(2)} of the small MSP's)`);
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
