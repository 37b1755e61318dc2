import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { bruteForceTotals, cleanWrites, mariadbVersion } from './bench-data';
import { measure, sleep, summarize } from './measure';
import { openDatabase } from '../src/database/data-source';
import { ApiKeyRole } from '../src/entities';
import { createServices } from '../src/services';
import { systemClock } from '../src/services/clock';
import { explainStatements, ExplainedStatement } from './explain';
import { summarizeProfile } from './profile-summary';
import { Measurement, Report, ScenarioResult, writeReport } from './report';
import { ensureSeed, sizesFor } from './seed';
import { ADD_CUSTOMER, DASHBOARD, jsonBody, KeyName, scenarios, Target } from './scenarios';
import { post, ServerProcess, startScriptNodeArgs } from './server-process';

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
    nodeArgs: startScriptNodeArgs(),
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
  const baseline = await ServerProcess.start({ kind: 'baseline', databaseUrl: settings.url, logFile: join(work, 'baseline.log'), nodeArgs: startScriptNodeArgs() });
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
      for (const target of targets) await measure(servers[target], scenario, keys[scenario.key as KeyName], settings.warmupSeconds, settings.connections);
      const runs: Record<Target, Measurement[]> = { project: [], baseline: [] };
      for (let rep = 0; rep < repetitions; rep++) {
        // ABBA order, so a drift of the machine over the run falls on both alike.
        const order = rep % 2 === 0 ? targets : [...targets].reverse();
        for (const target of order) {
          const m = await measure(servers[target], scenario, keys[scenario.key as KeyName], settings.seconds, settings.connections);
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
    await measure(soakServer, soakScenario, keys.large, settings.seconds, settings.connections);
    soak.afterWarmup = soakServer.rssMb();
    soak.heapAfterWarmup = await soakServer.heapAfterGcMb();
    const sampler = setInterval(() => soak.samples.push(soakServer.rssMb()), 5000);
    await measure(soakServer, soakScenario, keys.large, settings.soakSeconds, settings.connections);
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
    await measure(profiled, soakScenario, keys.large, Math.max(5, settings.warmupSeconds), settings.connections);
    await profiled.startProfile();
    profileRun = await measure(profiled, soakScenario, keys.large, settings.profileSeconds, settings.connections);
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
    loadEnd: loadavg(),
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
  // The raw figures, so the report can be rendered again (BENCH_RENDER) without a new run.
  writeFileSync(join(work, 'report.json'), JSON.stringify(report));
  const text = writeReport(report, settings.results);
  process.stdout.write(text);
  log(`written to ${settings.results}; total ${(report.runtimeSeconds / 60).toFixed(1)} min`);
}

/** BENCH_RENDER=<report.json of a run>: writes RESULTS.md again from a run's raw figures. */
function render(file: string): void {
  const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
  report.date = new Date(report.date);
  report.seed.seededAt = new Date(report.seed.seededAt);
  process.stdout.write(writeReport(report, settings.results));
}

(env.BENCH_RENDER?.trim() ? Promise.resolve().then(() => render(env.BENCH_RENDER!.trim())) : main()).catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
