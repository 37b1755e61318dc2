import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { request as httpRequest } from 'node:http';
import { createConnection } from 'mysql2/promise';
import { Engine } from '../src/database/data-source';
import { ENGINES, freshDatabase } from './support/engines';
import { MariaDbInstance } from './support/mariadb-instance';
import { migrations } from '../src/database/migrations';

/**
 * The start-up contract of the compiled server (`npm start`), run as a real process: what it
 * prints, what it keeps in ./data, that the CLI may write beside it, and how it stops.
 */
const ROOT = resolve(__dirname, '..');
const SERVER = join(ROOT, 'dist', 'src', 'main.js');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const READY = /^Command Center API ready at http:\/\/localhost:(\d+)\/graphql$/;
const DEMO = /^Demo MSP API key: (cc_[0-9A-Za-z]{8}_[0-9A-Za-z]{32})$/;
const SECRET = 'a-test-access-token-secret-of-40-characters';

const running = new Set<ChildProcess>();
const dataDirs: string[] = [];

afterEach(() => {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
});

afterAll(() => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

function freshDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cc-start-'));
  dataDirs.push(dir);
  return dir;
}

/** The environment of a user's shell: none of the test runner's own settings leak in. */
function serverEnv(settings: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', ...settings };
  for (const name of ['DATABASE_URL', 'ACCESS_TOKEN_SECRET']) if (!(name in settings)) delete env[name];
  return env;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** `node dist/src/main.js` as a child process, with its whole stdout and stderr kept. */
class ServerProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<Exit>;
  private readonly child: ChildProcess;

  constructor(env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, [SERVER], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(this.child);
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((done) => {
      this.child.on('close', (code, signal) => {
        running.delete(this.child);
        done({ code, signal });
      });
    });
  }

  get lines(): string[] {
    return this.stdout.split('\n').filter((line, i, all) => i < all.length - 1 || line !== '');
  }

  /** Resolves with the first `count` stdout lines; fails with stderr if the process exits first. */
  waitForLines(count: number): Promise<string[]> {
    return new Promise((done, fail) => {
      const check = () => {
        if (this.stdout.split('\n').length > count) {
          this.child.stdout?.off('data', check);
          done(this.lines.slice(0, count));
        }
      };
      this.child.stdout?.on('data', check);
      check();
      void this.exited.then((exit) => fail(new Error(`the server exited (${JSON.stringify(exit)}) before printing ${count} lines:\n${this.stdout}\n${this.stderr}`)));
    });
  }

  /** Sends SIGTERM, as a process manager does, and waits for the exit. */
  async stop(): Promise<Exit> {
    this.child.kill('SIGTERM');
    return this.exited;
  }
}

/** Starts the server and reads the port from its ready line. */
async function startServer(env: NodeJS.ProcessEnv, lines: number): Promise<{ server: ServerProcess; lines: string[]; url: string }> {
  const server = new ServerProcess(env);
  const printed = await server.waitForLines(lines);
  const port = Number(READY.exec(printed[0])?.[1]);
  expect(printed[0]).toMatch(READY);
  expect(port).toBeGreaterThan(0);
  return { server, lines: printed, url: `http://127.0.0.1:${port}/graphql` };
}

async function gql(url: string, key: string, query: string, variables?: Record<string, unknown>): Promise<{ status: number; body: any }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  // The cost report (`extensions.cost`) is the limits tests' concern; these compare data and errors.
  const { extensions: _cost, ...body } = (await response.json()) as Record<string, unknown>;
  return { status: response.status, body };
}

function cli(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { cwd: ROOT, env }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

/** Creates an MSP with the CLI while the server runs, then uses its key against that server. */
async function cliWritesBesideServer(env: NodeJS.ProcessEnv, url: string): Promise<void> {
  const run = await cli(env, 'msp', 'create', '--name', 'Created Beside The Server', '--email', 'beside@cli.example', '--json');
  expect(run.code).toBe(0);
  const created = JSON.parse(run.stdout);
  expect(await gql(url, created.apiKey, '{ msp { accountNumber name } }')).toEqual({
    status: 200,
    body: { data: { msp: { accountNumber: created.accountNumber, name: 'Created Beside The Server' } } },
  });
  const added = await gql(url, created.apiKey, 'mutation($input: AddCustomerInput!) { addCustomer(input: $input) { customer { subscriptionState } userErrors { code } } }', {
    input: { adminEmail: 'first-customer@cli.example', organizationName: 'First Customer' },
  });
  expect(added.body).toEqual({ data: { addCustomer: { customer: { subscriptionState: 'ACTIVE_TRIAL' }, userErrors: [] } } });
}

const DASHBOARD = `{
  msp {
    customerCounts { paid activeTrials expiredTrials total }
    billableMonitoredUsers
    customers(first: 50) { totalCount nodes { organizationName subscriptionState plan userCount monitoredUserCount } }
  }
}`;

interface DashboardNode {
  subscriptionState: string;
  plan: string;
  userCount: number;
  monitoredUserCount: number;
}

describe.each(ENGINES)('server start-up [%s]', (engine: Engine) => {
  let databaseUrl: string | undefined;
  let dropDatabase: () => Promise<void> = async () => undefined;

  beforeAll(async () => {
    const database = await freshDatabase(engine);
    databaseUrl = database.url;
    dropDatabase = database.drop;
  });

  afterAll(async () => {
    await dropDatabase();
  });

  if (engine === 'sqlite') {
    it('on an empty data directory prints the ready line and a demo key that opens a full demo', async () => {
      const dataDir = freshDataDir();
      const { server, lines, url } = await startServer(serverEnv({ DATA_DIR: dataDir }), 2);
      const key = DEMO.exec(lines[1])?.[1] as string;
      expect(lines[1]).toMatch(DEMO);

      const file = join(dataDir, 'demo-key');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readFileSync(file, 'utf8').trim()).toBe(key);

      const response = await gql(url, key, DASHBOARD);
      expect(response.status).toBe(200);
      const msp = response.body.data.msp;
      const nodes: DashboardNode[] = msp.customers.nodes;
      const inState = (state: string) => nodes.filter((node) => node.subscriptionState === state);
      expect(msp.customerCounts).toEqual({
        paid: inState('PAID').length,
        activeTrials: inState('ACTIVE_TRIAL').length,
        expiredTrials: inState('EXPIRED_TRIAL').length,
        total: nodes.length,
      });
      for (const state of ['PAID', 'ACTIVE_TRIAL', 'EXPIRED_TRIAL']) expect(inState(state).length).toBeGreaterThan(0);
      expect(inState('EXPIRED_TRIAL')).toContainEqual(expect.objectContaining({ plan: 'FREEMIUM', userCount: expect.any(Number), monitoredUserCount: 3 }));
      expect(Math.max(...inState('EXPIRED_TRIAL').map((node) => node.userCount))).toBeGreaterThan(3);
      expect(msp.billableMonitoredUsers).toBe(inState('PAID').reduce((sum, node) => sum + node.monitoredUserCount, 0));

      expect(await server.stop()).toEqual({ code: 0, signal: null });
      expect(server.stdout).toBe(`${lines[0]}\n${lines[1]}\n`);
      expect(server.stderr).toMatch(/"level":\d+/);
    });

    it('prints the same demo key after a restart', async () => {
      const dataDir = freshDataDir();
      const env = serverEnv({ DATA_DIR: dataDir });
      const first = await startServer(env, 2);
      const total = (url: string, line: string) => gql(url, DEMO.exec(line)?.[1] as string, '{ msp { customerCounts { total } } }');
      const seeded = (await total(first.url, first.lines[1])).body.data.msp.customerCounts.total;
      expect(await first.server.stop()).toEqual({ code: 0, signal: null });

      const second = await startServer(env, 2);
      expect(second.lines[1]).toBe(first.lines[1]);
      expect((await total(second.url, second.lines[1])).body.data.msp.customerCounts.total).toBe(seeded);
      expect(await second.server.stop()).toEqual({ code: 0, signal: null });
      expect(second.server.lines).toHaveLength(2);
    });

    it('lets the CLI write the embedded database while the server runs', async () => {
      const env = serverEnv({ DATA_DIR: freshDataDir() });
      const { server, url } = await startServer(env, 2);
      await cliWritesBesideServer(env, url);
      expect(await server.stop()).toEqual({ code: 0, signal: null });
    });
  } else {
    it('with DATABASE_URL prints only the ready line, seeds no demo and serves keys the CLI creates', async () => {
      const dataDir = freshDataDir();
      const env = serverEnv({ DATA_DIR: dataDir, DATABASE_URL: databaseUrl as string, ACCESS_TOKEN_SECRET: SECRET });
      const { server, url } = await startServer(env, 1);

      const connection = await createConnection(databaseUrl as string);
      try {
        const [rows] = await connection.query('SELECT COUNT(*) AS n FROM accounts');
        expect(Number((rows as Array<{ n: number }>)[0].n)).toBe(0);
        await cliWritesBesideServer(env, url);
        const [after] = await connection.query("SELECT COUNT(*) AS n FROM accounts WHERE kind = 'MSP'");
        expect(Number((after as Array<{ n: number }>)[0].n)).toBe(1);
      } finally {
        await connection.end();
      }
      expect(existsSync(join(dataDir, 'demo-key'))).toBe(false);

      expect(await server.stop()).toEqual({ code: 0, signal: null });
      expect(server.lines).toEqual([expect.stringMatching(READY)]);
    });

    it('three instances started at once on a new database all come up (migrations run once, under GET_LOCK)', async () => {
      const fresh = await freshDatabase('mysql');
      try {
        const env = serverEnv({ DATA_DIR: freshDataDir(), DATABASE_URL: fresh.url as string, ACCESS_TOKEN_SECRET: SECRET });
        const started = await Promise.all([0, 1, 2].map(() => startServer(env, 1)));
        for (const { url } of started) expect((await fetch(url.replace('/graphql', '/readyz'))).status).toBe(200);
        const connection = await createConnection(fresh.url as string);
        try {
          const [rows] = await connection.query('SELECT name, COUNT(*) AS n FROM migrations GROUP BY name');
          expect((rows as Array<{ n: number }>).map((row) => Number(row.n))).toEqual(migrations.map(() => 1));
        } finally {
          await connection.end();
        }
        for (const { server } of started) expect(await server.stop()).toEqual({ code: 0, signal: null });
      } finally {
        await fresh.drop();
      }
    });

    it('on SIGTERM lets 20 requests in flight complete, refuses new connections, closes the pool and exits 0', async () => {
      // Its own database: the file's shared one must stay empty for the DATABASE_URL test.
      const fresh = await freshDatabase('mysql');
      const ownUrl = fresh.url as string;
      // A connection for each request and statements allowed to wait long enough for a busy CI machine.
      const env = serverEnv({ DATA_DIR: freshDataDir(), DATABASE_URL: ownUrl, ACCESS_TOKEN_SECRET: SECRET, DB_POOL_SIZE: '25', DB_STATEMENT_TIMEOUT_MS: '8000', MAX_IN_FLIGHT_PER_KEY: '25' });
      const { server, url } = await startServer(env, 1);
      const created = await cli(env, 'msp', 'create', '--name', 'Shutdown MSP', '--email', 'shutdown@cli.example', '--json');
      const key = JSON.parse(created.stdout).apiKey as string;
      // A table lock held from here makes every addCustomer wait inside its transaction.
      const lock = await createConnection(ownUrl);
      await lock.query('LOCK TABLES audit_events WRITE');
      const inFlight = Array.from({ length: 20 }, (_, i) =>
        gql(url, key, 'mutation($input: AddCustomerInput!) { addCustomer(input: $input) { customer { organizationName } userErrors { code } } }', {
          input: { adminEmail: `in-flight-${i}@shutdown.example`, organizationName: `In Flight ${i}` },
        }),
      );
      // Requests that reached the server wait on the lock inside their transaction, one statement each.
      const arrived = async () => {
        const [rows] = await lock.query("SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND DB = DATABASE() AND COMMAND = 'Query'");
        return Number((rows as Array<{ n: number }>)[0].n);
      };
      try {
        // All 20 have reached the server (a connection whose request has not arrived is idle, and closed).
        for (const giveUp = Date.now() + 10_000; (await arrived()) < 20; ) {
          if (Date.now() > giveUp) throw new Error(`only ${await arrived()} requests arrived`);
          await sleep(50);
        }
        await sleep(200);
        const stopped = server.stop();
        await sleep(300);
        expect(await newConnection(url)).toBe('ECONNREFUSED');
        await lock.query('UNLOCK TABLES');
        const answers = await Promise.all(inFlight);
        expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
        expect(answers.every((answer) => answer.body.data.addCustomer.userErrors.length === 0)).toBe(true);
        expect(await stopped).toEqual({ code: 0, signal: null });
        expect(server.stderr).toContain('database pool closed');
        const [rows] = await lock.query("SELECT COUNT(*) AS n FROM accounts WHERE admin_email_key LIKE 'in-flight-%'");
        expect(Number((rows as Array<{ n: number }>)[0].n)).toBe(20);
      } finally {
        await lock.end();
        await fresh.drop();
      }
    });

    it('waits for a database that comes up within STARTUP_DB_WAIT_MS, then serves', async () => {
      const instance = await MariaDbInstance.create();
      try {
        const url = await instance.createDatabase('late');
        await instance.kill();
        const server = new ServerProcess(serverEnv({ DATA_DIR: freshDataDir(), DATABASE_URL: url, ACCESS_TOKEN_SECRET: SECRET, STARTUP_DB_WAIT_MS: '30000' }));
        // Started only once the server has tried and failed at least twice.
        for (const giveUp = Date.now() + 20_000; (server.stderr.match(/database unreachable; retrying/g)?.length ?? 0) < 2; ) {
          if (Date.now() > giveUp) throw new Error(`no retries logged:\n${server.stderr}`);
          await sleep(100);
        }
        expect(server.stdout).toBe('');
        await instance.start();
        expect((await server.waitForLines(1))[0]).toMatch(READY);
        expect(await server.stop()).toEqual({ code: 0, signal: null });
      } finally {
        await instance.destroy();
      }
    }, 60_000);
  }
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Opens a fresh TCP connection (no keep-alive pool): 'ECONNREFUSED' once the server stopped listening. */
function newConnection(url: string): Promise<string> {
  return new Promise((done) => {
    const request = httpRequest(url.replace('/graphql', '/healthz'), { agent: false }, (response) => {
      response.resume();
      done(`answered ${response.statusCode}`);
    });
    request.on('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
    request.end();
  });
}

describe('server start-up refusals', () => {
  const unreachable = 'mysql://root@127.0.0.1:1/x';

  it('exits non-zero naming ACCESS_TOKEN_SECRET when DATABASE_URL is set without it', async () => {
    const server = new ServerProcess(serverEnv({ DATA_DIR: freshDataDir(), DATABASE_URL: unreachable }));
    const exit = await server.exited;
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    expect(server.stdout).toBe('');
    expect(server.stderr).toContain('ACCESS_TOKEN_SECRET');
  });

  it('retries an unreachable database for STARTUP_DB_WAIT_MS, then exits non-zero with a clear message and never listens', async () => {
    const started = Date.now();
    const server = new ServerProcess(serverEnv({ DATA_DIR: freshDataDir(), DATABASE_URL: unreachable, ACCESS_TOKEN_SECRET: SECRET, STARTUP_DB_WAIT_MS: '1500' }));
    const exit = await server.exited;
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    expect(server.stdout).toBe('');
    expect(server.stderr).toMatch(/Could not open the database \(still unreachable after retrying for 1500 ms, STARTUP_DB_WAIT_MS\): .*ECONNREFUSED/);
    // It retried (with backoff) before giving up.
    expect(server.stderr.match(/database unreachable; retrying/g)?.length).toBeGreaterThanOrEqual(2);
  });
});
