import 'reflect-metadata';
import { createConnection, Connection, RowDataPacket } from 'mysql2/promise';
import { openDatabase } from '../src/database/data-source';
import { RollupService } from '../src/services/subscription/rollup.service';
import { keyOf } from '../src/services/text/text-rules';
import { DAY_MS, systemClock } from '../src/services/clock';
import { Progress } from './progress';

/**
 * The benchmark's data set in a MariaDB/MySQL database of its own: one large MSP (10,000
 * customers, 500,000 monitored users), one small MSP (100 customers, 5,000 users) and 98 more
 * like the small one; customers about 30% paid, 40% active trials, 30% expired trials. Every
 * value comes from one seeded PRNG, relative to the seeding time. The schema comes from the real
 * migrations; rows are written with bulk multi-row INSERTs into the same normalized columns the
 * services write (keys, `user_count` counters), then each MSP's rollup is rebuilt with
 * `RollupService.rebuild`. A marker table records the seed and sizes: a later run reuses the data
 * when they match and it is less than a week old (active trials end 7 to 14 days after seeding,
 * so the share of active trials holds for a week).
 */
export const SEED = 20261129;
const ACTIVE_TRIAL_MIN_MS = 7 * DAY_MS + 60 * 60 * 1000;
const REUSE_MAX_AGE_MS = 7 * DAY_MS;
const OTHER_MSPS = 98;

export interface SeedSizes {
  largeCustomers: number;
  largeUsers: number;
  smallCustomers: number;
  smallUsers: number;
  otherMsps: number;
}

export interface SeededMsp {
  id: number;
  accountNumber: string;
  role: 'large' | 'small' | 'other';
  customers: number;
  users: number;
}

export interface SeedInfo {
  sizes: SeedSizes;
  seededAt: Date;
  reused: boolean;
  seconds: number;
  msps: SeededMsp[];
  /** A word in about one organization name in twenty: the search scenario's term. */
  searchTerm: string;
}

export function sizesFor(scale: number): SeedSizes {
  const at = (n: number) => Math.max(1, Math.round(n * scale));
  return { largeCustomers: at(10_000), largeUsers: at(500_000), smallCustomers: at(100), smallUsers: at(5_000), otherMsps: OTHER_MSPS };
}

/** mulberry32: small, fast and deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ADJECTIVES = ['Northern', 'Blue', 'Granite', 'Summit', 'Harbor', 'Silver', 'Prairie', 'Cedar', 'Atlas', 'Pioneer', 'Coastal', 'Evergreen', 'Metro', 'Redwood', 'Lakeside', 'Union'];
const NOUNS = ['Logistics', 'Dental', 'Legal', 'Builders', 'Analytics', 'Foods', 'Clinic', 'Motors', 'Partners', 'Studios', 'Realty', 'Labs', 'Outfitters', 'Freight', 'Insurance', 'Bakery', 'Robotics', 'Pharmacy', 'Media', 'Energy'];
const SUFFIXES = ['Inc.', 'LLC', 'Ltd', 'GmbH', 'Co.', 'Group', 'S.A.', 'Corp.'];
export const SEARCH_TERM = 'freight';

const MARKER_DDL = `CREATE TABLE IF NOT EXISTS bench_seed (
  id int NOT NULL PRIMARY KEY, seed int NOT NULL, sizes varchar(500) NOT NULL, seeded_at datetime(3) NOT NULL,
  seconds double NOT NULL, msps mediumtext NOT NULL) ENGINE=InnoDB`;

function databaseOf(url: string): { server: string; name: string } {
  const parsed = new URL(url);
  const name = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`BENCH_MYSQL_URL must name a database ([A-Za-z0-9_]), got "${name}"`);
  parsed.pathname = '/';
  return { server: parsed.toString(), name };
}

const sqlDate = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

/** User counts of `n` customers adding up to exactly `total`, 0 to about twice the mean each. */
function userCounts(random: () => number, n: number, total: number): number[] {
  const mean = total / n;
  const counts = Array.from({ length: n }, () => Math.floor(random() * (2 * mean + 1)));
  let sum = counts.reduce((a, b) => a + b, 0);
  while (sum !== total) {
    const i = Math.floor(random() * n);
    if (sum < total) (counts[i] += 1), (sum += 1);
    else if (counts[i] > 0) (counts[i] -= 1), (sum -= 1);
  }
  return counts;
}

/** Exactly 30% paid, 40% active and 30% expired trials (rounded), in a shuffled order. */
function states(random: () => number, n: number): Array<'PAID' | 'ACTIVE' | 'EXPIRED'> {
  const paid = Math.round(n * 0.3);
  const active = Math.round(n * 0.4);
  const all = Array.from({ length: n }, (_, i) => (i < paid ? 'PAID' : i < paid + active ? 'ACTIVE' : 'EXPIRED') as 'PAID' | 'ACTIVE' | 'EXPIRED');
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all;
}

async function insertRows(connection: Connection, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  await connection.query(`INSERT INTO \`${table}\` (${columns.map((c) => `\`${c}\``).join(', ')}) VALUES ?`, [rows]);
}

async function readMarker(connection: Connection, sizes: SeedSizes): Promise<SeedInfo | null> {
  const [tables] = await connection.query<RowDataPacket[]>("SHOW TABLES LIKE 'bench_seed'");
  if (tables.length === 0) return null;
  const [rows] = await connection.query<RowDataPacket[]>('SELECT seed, sizes, seeded_at, seconds, msps FROM bench_seed WHERE id = 1');
  const row = rows[0];
  if (!row || row.seed !== SEED || row.sizes !== JSON.stringify(sizes)) return null;
  const seededAt = new Date(row.seeded_at);
  if (Date.now() - seededAt.getTime() > REUSE_MAX_AGE_MS) return null;
  return { sizes, seededAt, reused: true, seconds: Number(row.seconds), msps: JSON.parse(row.msps), searchTerm: SEARCH_TERM };
}

/** Seeds the benchmark database unless an identical, recent seed is there already. */
export async function ensureSeed(url: string, sizes: SeedSizes, log: (line: string) => void): Promise<SeedInfo> {
  const { server, name } = databaseOf(url);
  const admin = await createConnection({ uri: server, timezone: 'Z' });
  try {
    await admin.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4`);
    await admin.query(`USE \`${name}\``);
    const existing = await readMarker(admin, sizes);
    if (existing) {
      log(`reusing the seeded database ${name} (seeded ${existing.seededAt.toISOString()}, seed ${SEED})`);
      return existing;
    }
    log(`seeding ${name} from scratch (seed ${SEED}; ${sizes.largeCustomers} + ${sizes.smallCustomers} + ${sizes.otherMsps} x ${sizes.smallCustomers} customers)`);
    await admin.query(`DROP DATABASE \`${name}\``);
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  } finally {
    await admin.end();
  }
  return seed(url, sizes);
}

async function seed(url: string, sizes: SeedSizes): Promise<SeedInfo> {
  const started = Date.now();
  const db = await openDatabase({ url, poolSize: 2 });
  const connection = await createConnection({ uri: url, timezone: 'Z', charset: 'utf8mb4' });
  const random = prng(SEED);
  const seededAt = Date.now();
  const plans: Array<{ role: SeededMsp['role']; customers: number; users: number }> = [
    { role: 'large', customers: sizes.largeCustomers, users: sizes.largeUsers },
    { role: 'small', customers: sizes.smallCustomers, users: sizes.smallUsers },
    ...Array.from({ length: sizes.otherMsps }, () => ({ role: 'other' as const, customers: sizes.smallCustomers, users: sizes.smallUsers })),
  ];
  const totalUsers = plans.reduce((a, p) => a + p.users, 0);
  const totalCustomers = plans.reduce((a, p) => a + p.customers, 0);
  const progress = new Progress('seeding', totalCustomers + totalUsers);
  const msps: SeededMsp[] = [];
  try {
    // Constraint checks the data's construction already guarantees; this session only.
    await connection.query('SET unique_checks = 0, foreign_key_checks = 0');
    const rollups = new RollupService(db, systemClock);
    let customerSerial = 0;
    for (const [m, plan] of plans.entries()) {
      // 9-digit account numbers: outside the 8-digit range the service draws new ones from.
      const mspNumber = String(800_000_000 + m);
      const mspName = plan.role === 'other' ? `Bench MSP ${m}` : `Bench MSP ${plan.role}`;
      const mspEmail = `admin@msp-${m}.bench.example`;
      const created = sqlDate(seededAt - 800 * DAY_MS);
      await insertRows(
        connection,
        'accounts',
        ['account_number', 'kind', 'msp_id', 'name', 'name_normalized', 'name_key', 'admin_email', 'admin_email_key', 'plan', 'user_count', 'created_at'],
        [[mspNumber, 'MSP', null, mspName, keyOf(mspName), null, mspEmail, keyOf(mspEmail), 'PAID', 0, created]],
      );
      const [[{ id: mspId }]] = await connection.query<RowDataPacket[]>('SELECT id FROM accounts WHERE account_number = ?', [mspNumber]);
      await db.transaction((manager) => rollups.create(manager, mspId));

      const counts = userCounts(random, plan.customers, plan.users);
      const kinds = states(random, plan.customers);
      const accountRows: unknown[][] = [];
      for (let i = 0; i < plan.customers; i++) {
        customerSerial += 1;
        const number = String(900_000_000 + customerSerial);
        const name = `${ADJECTIVES[Math.floor(random() * ADJECTIVES.length)]} ${NOUNS[Math.floor(random() * NOUNS.length)]} ${String(i + 1).padStart(5, '0')} ${SUFFIXES[Math.floor(random() * SUFFIXES.length)]}`;
        const email = `it-${number}@customers.bench.example`;
        const kind = kinds[i];
        let createdAt: number;
        let trialEndsAt: number;
        if (kind === 'ACTIVE') {
          trialEndsAt = seededAt + ACTIVE_TRIAL_MIN_MS + Math.floor(random() * (14 * DAY_MS - ACTIVE_TRIAL_MIN_MS));
          createdAt = trialEndsAt - 14 * DAY_MS;
        } else {
          createdAt = seededAt - 21 * DAY_MS - Math.floor(random() * 700 * DAY_MS);
          trialEndsAt = createdAt + 14 * DAY_MS;
        }
        const seats = kind === 'PAID' ? Math.max(1, counts[i] + Math.floor(random() * 16) - 5) : null;
        const key = keyOf(name);
        accountRows.push([
          number, 'CUSTOMER', mspId, name, key, key, email, keyOf(email),
          kind === 'PAID' ? 'PAID' : 'TRIAL', sqlDate(trialEndsAt), seats, counts[i], sqlDate(createdAt),
        ]);
      }
      const accountColumns = ['account_number', 'kind', 'msp_id', 'name', 'name_normalized', 'name_key', 'admin_email', 'admin_email_key', 'plan', 'trial_ends_at', 'licensed_seats', 'user_count', 'created_at'];
      for (let start = 0; start < accountRows.length; start += 2000) {
        await insertRows(connection, 'accounts', accountColumns, accountRows.slice(start, start + 2000));
        progress.add(Math.min(2000, accountRows.length - start));
      }
      const [ids] = await connection.query<RowDataPacket[]>(
        "SELECT id, created_at FROM accounts WHERE msp_id = ? AND kind = 'CUSTOMER' ORDER BY account_number",
        [mspId],
      );
      let userRows: unknown[][] = [];
      const flush = async () => {
        await insertRows(connection, 'monitored_users', ['account_id', 'identity', 'identity_key', 'display_name', 'first_seen_at', 'last_seen_at'], userRows);
        progress.add(userRows.length);
        userRows = [];
      };
      for (const [i, row] of ids.entries()) {
        const first = new Date(row.created_at).getTime();
        for (let u = 0; u < counts[i]; u++) {
          const identity = `user${u + 1}`;
          const seen = sqlDate(first + (u + 1) * 60_000);
          userRows.push([row.id, identity, keyOf(identity), `User ${u + 1}`, seen, seen]);
          if (userRows.length >= 5000) await flush();
        }
      }
      await flush();
      await rollups.rebuild(mspId);
      msps.push({ id: mspId, accountNumber: mspNumber, role: plan.role, customers: plan.customers, users: plan.users });
    }
    progress.done();
    const seconds = (Date.now() - started) / 1000;
    await connection.query(MARKER_DDL);
    await connection.query('REPLACE INTO bench_seed (id, seed, sizes, seeded_at, seconds, msps) VALUES (1, ?, ?, ?, ?, ?)', [
      SEED,
      JSON.stringify(sizes),
      sqlDate(seededAt),
      seconds,
      JSON.stringify(msps),
    ]);
    return { sizes, seededAt: new Date(seededAt), reused: false, seconds, msps, searchTerm: SEARCH_TERM };
  } finally {
    await connection.end();
    await db.close();
  }
}

if (require.main === module) {
  const url = process.env.BENCH_MYSQL_URL?.trim() || 'mysql://root@127.0.0.1:3306/cc_bench';
  const scale = Number(process.env.BENCH_SCALE ?? 1);
  ensureSeed(url, sizesFor(scale), (line) => process.stderr.write(`${line}\n`)).then(
    (info) => process.stderr.write(`${info.reused ? 'reused' : 'seeded'} in ${info.seconds.toFixed(1)} s\n`),
    (error: unknown) => {
      process.stderr.write(`${(error as Error).stack ?? error}\n`);
      process.exit(1);
    },
  );
}
