import 'reflect-metadata';
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { createConnection, RowDataPacket } from 'mysql2/promise';
import { openDatabase } from '../src/database/data-source';
import { ApiKeyRole } from '../src/entities';
import { createServices } from '../src/services';
import { systemClock } from '../src/services/clock';
import { explainStatements, ExplainedStatement } from './explain';
import { summarizeProfile } from './profile-summary';
import { Measurement, Report, ScenarioResult, writeReport } from './report';
import { ensureSeed, SeededMsp, sizesFor } from './seed';
import { ADD_CUSTOMER, DASHBOARD, jsonBody, KeyName, scenarios, Scenario, Target } from './scenarios';
import { post, ServerProcess } from './server-process';

/**
 * `npm run bench`: issue 8's benchmark. Seeds (or reuses) the fleet-scale data set, runs the
 * compiled server as in production and the hand-written baseline side by side, checks that they
 * answer the same `data`, then drives both with autocannon, alternating, and writes
 * bench/RESULTS.md. See the README's "Benchmark" section for the knobs.
 */
const env = process.env;
const number = (name: string, fallback: number) => (env[name]?.trim() ? Number(env[name]) : fallback);
export const settings = {
  url: env.BENCH_MYSQL_URL?.trim() || 'mysql://root@127.0.0.1:3306/cc_bench',
  scale: number('BENCH_SCALE', 1),
  seconds: number('BENCH_SECONDS', 20),
  warmupSeconds: number('BENCH_WARMUP_SECONDS', 3),
  repetitions: number('BENCH_REPETITIONS', 3),
  connections: number('BENCH_CONNECTIONS', 32),
  soakSeconds: number('BENCH_SOAK_SECONDS', 60),
  profileSeconds: number('BENCH_PROFILE_SECONDS', 20),
  only: env.BENCH_ONLY?.trim() ? new RegExp(env.BENCH_ONLY.trim()) : null,
  results: env.BENCH_RESULTS?.trim() || join(__dirname, '..', '..', 'bench', 'RESULTS.md'),
};

const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * Configuration only: a key budget far above what 32 connections spend in a window, and room for
 * all 32 in flight, so nothing throttles. BENCH_PROJECT_ENV (JSON) adds or overrides variables.
 */
const PROJECT_ENV: Record<string, string> = {
  RATE_LIMIT_POINTS: '100000000',
  RATE_LIMIT_WINDOW_S: '20',
  MAX_IN_FLIGHT_PER_KEY: '1000',
  ...(env.BENCH_PROJECT_ENV?.trim() ? (JSON.parse(env.BENCH_PROJECT_ENV) as Record<string, string>) : {}),
};

interface Keys {
  large: string;
  small: string;
  writer: string;
}

async function measure(server: ServerProcess, scenario: Scenario, key: string, seconds: number): Promise<Measurement> {
  const cpuBefore = server.cpuMs();
  const statementsBefore = await server.statements();
  const rssBefore = server.rssMb();
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}`,
    connections: settings.connections,
    duration: seconds,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    requests: scenario.requests(server.kind),
    timeout: 30,
  });
  // The server finishes the requests still in flight when autocannon stops, and work a response
  // does not wait for (mail delivery): wait until it sends no more statements, then divide the
  // CPU time and statements by the requests sent, all of which it has now served.
  let statementsAfter = await server.statements();
  for (let waited = 0; waited < 10_000; waited += 200) {
    await sleep(200);
    const now = await server.statements();
    if (now === statementsAfter) break;
    statementsAfter = now;
  }
  const requests = result.requests.total;
  const sent = Math.max(1, result.requests.sent ?? requests);
  const measurement: Measurement = {
    rps: requests / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuMsPerRequest: (server.cpuMs() - cpuBefore) / sent,
    statementsPerRequest: (statementsAfter - statementsBefore) / sent,
    rssBefore,
    rssAfter: server.rssMb(),
    requests,
    failed: result.non2xx + result.errors + result.timeouts,
  };
  if (measurement.failed > 0) log(`  ! ${measurement.failed} failed requests (non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts})`);
  return measurement;
}

function summarize(runs: Measurement[]): Measurement {
  const pick = (f: (m: Measurement) => number) => median(runs.map(f));
  return {
    rps: pick((m) => m.rps),
    p50: pick((m) => m.p50),
    p99: pick((m) => m.p99),
    cpuMsPerRequest: pick((m) => m.cpuMsPerRequest),
    statementsPerRequest: pick((m) => m.statementsPerRequest),
    rssBefore: runs[0].rssBefore,
    rssAfter: runs[runs.length - 1].rssAfter,
    requests: runs.reduce((a, m) => a + m.requests, 0),
    failed: runs.reduce((a, m) => a + m.failed, 0),
  };
}

/** Rows the write scenarios added: removed before and after, so every run sees the seeded data. */
async function cleanWrites(url: string, writer: SeededMsp, rebuild: () => Promise<void>): Promise<void> {
  const connection = await createConnection({ uri: url, timezone: 'Z' });
  try {
    // Seeded customers have 9-digit account numbers; the service gives new ones 8 digits.
    await connection.query(
      'DELETE u FROM monitored_users u JOIN accounts a ON a.id = u.account_id WHERE a.msp_id = ? AND CHAR_LENGTH(a.account_number) < 9',
      [writer.id],
    );
    await connection.query("DELETE FROM accounts WHERE msp_id = ? AND kind = 'CUSTOMER' AND CHAR_LENGTH(account_number) < 9", [writer.id]);
    // The seed writes none of these: every row is a benchmark run's.
    for (const table of ['audit_events', 'mail_outbox', 'email_verifications', 'idempotency_keys']) await connection.query(`DELETE FROM \`${table}\``);
  } finally {
    await connection.end();
  }
  await rebuild();
}

async function mariadbVersion(url: string): Promise<string> {
  const connection = await createConnection({ uri: url });
  try {
    const [rows] = await connection.query<RowDataPacket[]>('SELECT VERSION() AS v');
    return String(rows[0].v);
  } finally {
    await connection.end();
  }
}

/** The totals of an MSP by brute force over its customer rows, to check the API's before timing. */
async function bruteForceTotals(url: string, mspId: number) {
  const connection = await createConnection({ uri: url, timezone: 'Z' });
  try {
    const [[row]] = await connection.query<RowDataPacket[]>(
      `SELECT SUM(plan = 'PAID') AS paid, SUM(plan = 'TRIAL' AND trial_ends_at > NOW(3)) AS active,
              SUM(plan = 'TRIAL' AND (trial_ends_at <= NOW(3) OR trial_ends_at IS NULL)) AS expired,
              SUM(IF(plan = 'PAID', user_count, 0)) AS paidUsers,
              SUM(IF(plan = 'TRIAL' AND trial_ends_at > NOW(3), user_count, 0)) AS activeUsers,
              SUM(IF(plan = 'TRIAL' AND (trial_ends_at <= NOW(3) OR trial_ends_at IS NULL), LEAST(user_count, 3), 0)) AS expiredUsers
       FROM accounts WHERE msp_id = ? AND removed_at IS NULL`,
      [mspId],
    );
    return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));
  } finally {
    await connection.end();
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const loadStart = loadavg();
  const work = mkdtempSync(join(tmpdir(), 'cc-bench-'));
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  log(`benchmark run ${runId}: logs and profiles in ${work}`);

  const seed = await ensureSeed(settings.url, sizesFor(settings.scale), log);
  const large = seed.msps.find((m) => m.role === 'large')!;
  const small = seed.msps.find((m) => m.role === 'small')!;
  const writer = seed.msps.find((m) => m.role === 'other')!;

  // The bench's own handle on the services: keys, the expiry pass, rollup rebuilds.
  const db = await openDatabase({ url: settings.url, poolSize: 2 });
  const services = createServices(db, systemClock, {
    trialLengthDays: 14,
    appUrl: 'http://localhost:4000',
    accessTokenSecret: randomBytes(32).toString('base64url'),
    auditRetentionDays: 365,
  });
  const rebuildWriter = () => services.rollups.rebuild(writer.id);
  await cleanWrites(settings.url, writer, rebuildWriter);
  // What a running server's expiry pass does every 10 minutes: the watermarks move to now.
  await services.rollups.advance();
  const keys: Keys = await db.transaction(async (manager) => {
    const make = async (mspId: number) => (await services.apiKeys.create(manager, ApiKeyRole.MSP_ADMIN, mspId, `benchmark ${runId}`)).secret;
    return { large: await make(large.id), small: await make(small.id), writer: await make(writer.id) };
  });

  const secret = randomBytes(32).toString('base64url');
  const projectOptions = (name: string) => ({
    kind: 'project' as const,
    databaseUrl: settings.url,
    logFile: join(work, `${name}.log`),
    env: { ...PROJECT_ENV, ACCESS_TOKEN_SECRET: secret },
  });
  const dashboardBody = (first: number, state: string | null = 'ACTIVE_TRIAL', after?: string) =>
    JSON.parse(jsonBody('Dashboard', DASHBOARD, { first, state, ...(after ? { after } : {}) }));

  // Cold start: process start to the first answered dashboard request, on the existing database.
  const coldStarts: number[] = [];
  const serverStartupMs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const logFile = join(work, `cold-start-${i}.log`);
    const server = await ServerProcess.start(projectOptions(`cold-start-${i}`));
    const answer = await post(server.url, keys.large, dashboardBody(50));
    coldStarts.push(performance.now() - server.spawnedAt);
    // The server's own figure: from its configuration loaded to listening (database open included).
    const started = readFileSync(logFile, 'utf8')
      .split('\n')
      .map((line) => /"startupMs":(\d+)/.exec(line)?.[1])
      .find(Boolean);
    if (started) serverStartupMs.push(Number(started));
    if (answer.status !== 200 || answer.body.errors) throw new Error(`cold-start request failed: ${JSON.stringify(answer.body).slice(0, 500)}`);
    await server.stop();
  }
  log(`cold start: ${coldStarts.map((ms) => ms.toFixed(0)).join(', ')} ms`);

  const project = await ServerProcess.start(projectOptions('project'));
  const baseline = await ServerProcess.start({ kind: 'baseline', databaseUrl: settings.url, logFile: join(work, 'baseline.log') });
  const servers: Record<Target, ServerProcess> = { project, baseline };
  let explained: ExplainedStatement[] = [];
  const otherPlans: Array<{ label: string; statements: ExplainedStatement[] }> = [];
  let addCustomerStatements: string[] = [];
  const results: ScenarioResult[] = [];
  try {
    // The project's totals against a brute-force aggregate over the rows, then project = baseline.
    const first = await post(project.url, keys.large, dashboardBody(50));
    const msp = (first.body.data as { msp: Record<string, unknown> } | undefined)?.msp;
    if (!msp) throw new Error(`dashboard failed: ${JSON.stringify(first.body).slice(0, 500)}`);
    const counts = msp.customerCounts as Record<string, number>;
    const brute = await bruteForceTotals(settings.url, large.id);
    const seen = {
      paid: counts.paid,
      active: counts.activeTrials,
      expired: counts.expiredTrials,
      paidUsers: msp.billableMonitoredUsers,
      activeUsers: msp.activeTrialMonitoredUsers,
      expiredUsers: msp.expiredTrialMonitoredUsers,
    };
    if (!isDeepStrictEqual(seen, brute)) throw new Error(`totals disagree: API ${JSON.stringify(seen)} vs SQL ${JSON.stringify(brute)}`);

    // The deep page's cursor, reached as a client would: page by page through the whole list.
    const deepRows = Math.round(large.customers * 0.9);
    let deepCursor: string | undefined;
    for (let read = 0; read < deepRows; ) {
      const size = Math.min(100, deepRows - read);
      const page = await post(project.url, keys.large, dashboardBody(size, null, deepCursor));
      const customers = (page.body.data as { msp: { customers: { pageInfo: { endCursor: string } } } }).msp.customers;
      deepCursor = customers.pageInfo.endCursor;
      read += size;
    }

    const failures: { count: number; sample?: string } = { count: 0 };
    let registerCustomers: string[] = [];
    const all = scenarios({
      runId,
      deepCursor: deepCursor!,
      deepRows,
      searchTerm: seed.searchTerm,
      registerCustomers: () => registerCustomers,
      failures,
    }).filter((s) => !settings.only || settings.only.test(s.id));

    for (const scenario of all) {
      if (!scenario.baseline || scenario.id === 'add-customer') continue;
      const body = JSON.parse(scenario.requests('project')[0].body!);
      const [ours, theirs] = await Promise.all([post(project.url, keys[scenario.key], body), post(baseline.url, keys[scenario.key], body)]);
      if (ours.status !== 200 || ours.body.errors) throw new Error(`${scenario.id}: the project answered ${JSON.stringify(ours.body).slice(0, 500)}`);
      if (!isDeepStrictEqual(ours.body.data, theirs.body.data)) {
        writeFileSync(join(work, `${scenario.id}.project.json`), JSON.stringify(ours.body, null, 2));
        writeFileSync(join(work, `${scenario.id}.baseline.json`), JSON.stringify(theirs.body, null, 2));
        throw new Error(`${scenario.id}: the baseline's data differs from the project's (both in ${work})`);
      }
    }
    log('the baseline answers the same data as the project for every read scenario');

    // Every statement one dashboard request sends, with its plan; the deep page's and search's too.
    const planOf = async (key: string, body: unknown) => {
      await project.capture(true);
      await post(project.url, key, body);
      return explainStatements(settings.url, await project.capture(false));
    };
    explained = await planOf(keys.large, dashboardBody(50));
    for (const scenario of all.filter((s) => s.id === 'deep-page' || s.id === 'search')) {
      otherPlans.push({ label: scenario.label, statements: await planOf(keys.large, JSON.parse(scenario.requests('project')[0].body!)) });
    }
    await project.capture(true);
    const added = await post(project.url, keys.writer, JSON.parse(jsonBody('AddCustomer', ADD_CUSTOMER, {
      input: { adminEmail: `probe-${runId}@writes.bench.example`, organizationName: `Probe ${runId}` },
    })));
    await sleep(300);
    addCustomerStatements = await project.capture(false);
    if (JSON.stringify(added.body).includes('"userErrors":[{')) throw new Error(`addCustomer refused: ${JSON.stringify(added.body)}`);

    for (const scenario of all) {
      if (scenario.id === 'register-user') {
        registerCustomers = [];
        for (let i = 0; i < settings.connections; i++) {
          const answer = await post(project.url, keys.writer, JSON.parse(jsonBody('AddCustomer', ADD_CUSTOMER, {
            input: { adminEmail: `reg${i}-${runId}@writes.bench.example`, organizationName: `Register ${runId} ${i}` },
          })));
          registerCustomers.push((answer.body.data as { addCustomer: { customer: { id: string } } }).addCustomer.customer.id);
        }
      }
      const targets: Target[] = scenario.baseline ? ['project', 'baseline'] : ['project'];
      // Repetitions are for the alternation with the baseline; a project-only scenario runs once.
      const repetitions = scenario.baseline ? settings.repetitions : 1;
      log(`${scenario.label}: warm-up ${settings.warmupSeconds} s each`);
      for (const target of targets) await measure(servers[target], scenario, keys[scenario.key as KeyName], settings.warmupSeconds);
      const runs: Record<Target, Measurement[]> = { project: [], baseline: [] };
      for (let rep = 0; rep < repetitions; rep++) {
        // ABBA order, so a drift of the machine over the run falls on both alike.
        const order = rep % 2 === 0 ? targets : [...targets].reverse();
        for (const target of order) {
          const m = await measure(servers[target], scenario, keys[scenario.key as KeyName], settings.seconds);
          runs[target].push(m);
          log(`  ${target.padEnd(8)} rep ${rep + 1}: ${m.rps.toFixed(0)} req/s, p50 ${m.p50.toFixed(1)} ms, p99 ${m.p99.toFixed(1)} ms, ${m.cpuMsPerRequest.toFixed(2)} ms CPU/req, ${m.statementsPerRequest.toFixed(2)} SQL/req`);
        }
      }
      results.push({
        id: scenario.id,
        label: scenario.label,
        dashboard: scenario.dashboard,
        project: summarize(runs.project),
        baseline: scenario.baseline ? summarize(runs.baseline) : null,
      });
    }
    if (failures.count > 0) throw new Error(`${failures.count} mutations answered with errors, e.g. ${failures.sample}`);
  } finally {
    await project.stop();
    await baseline.stop();
  }

  // Soak: a fresh server, warmed up, then the dashboard for BENCH_SOAK_SECONDS; RSS sampled.
  const soakScenario = scenarios({ runId, deepCursor: '', deepRows: 0, searchTerm: '', registerCustomers: () => [], failures: { count: 0 } }).find(
    (s) => s.id === 'dashboard-large-50',
  )!;
  const soakServer = await ServerProcess.start(projectOptions('soak'));
  const soak = {
    afterWarmup: 0,
    after: 0,
    heapAfterWarmup: 0,
    heapAfter: 0,
    samples: [] as number[],
    seconds: settings.soakSeconds,
    warmupSeconds: settings.seconds,
  };
  try {
    // A warm-up as long as a measurement, so the heap has reached its working size.
    await measure(soakServer, soakScenario, keys.large, settings.seconds);
    soak.afterWarmup = soakServer.rssMb();
    soak.heapAfterWarmup = await soakServer.heapAfterGcMb();
    const sampler = setInterval(() => soak.samples.push(soakServer.rssMb()), 5000);
    await measure(soakServer, soakScenario, keys.large, settings.soakSeconds);
    clearInterval(sampler);
    soak.after = soakServer.rssMb();
    soak.heapAfter = await soakServer.heapAfterGcMb();
  } finally {
    await soakServer.stop();
  }
  log(`soak: RSS ${soak.afterWarmup.toFixed(0)} MB after warm-up, ${soak.after.toFixed(0)} MB after ${settings.soakSeconds} s`);

  // Where the time goes: V8's CPU profile of one dashboard run on a warmed-up server.
  const profiled = await ServerProcess.start(projectOptions('profile'));
  const profileFile = join(work, 'dashboard.cpuprofile');
  let profileRun: Measurement;
  try {
    await measure(profiled, soakScenario, keys.large, Math.max(5, settings.warmupSeconds));
    await profiled.startProfile();
    profileRun = await measure(profiled, soakScenario, keys.large, settings.profileSeconds);
    await profiled.stopProfile(profileFile);
  } finally {
    await profiled.stop();
  }
  const profile = summarizeProfile(profileFile);

  await cleanWrites(settings.url, writer, rebuildWriter);
  await db.close();

  const report: Report = {
    date: new Date(),
    settings: { ...settings, only: settings.only?.source ?? null },
    seed,
    mariadb: await mariadbVersion(settings.url),
    loadStart,
    results,
    explained,
    otherPlans,
    addCustomerStatements,
    coldStartsMs: coldStarts,
    serverStartupMs,
    soak,
    profile,
    profileRun,
    profileFile,
    workDir: work,
    runtimeSeconds: (Date.now() - started) / 1000,
  };
  const text = writeReport(report, settings.results);
  process.stdout.write(text);
  log(`written to ${settings.results}; total ${(report.runtimeSeconds / 60).toFixed(1)} min`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
