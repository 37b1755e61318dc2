import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FastifyInstance } from 'fastify';
import { Database, Engine, openDatabase } from '../src/database/data-source';
import { buildApp } from '../src/http/app';
import { createServices } from '../src/services';
import { systemClock } from '../src/services/clock';
import { toGlobalId } from '../src/services/global-id';
import { ENGINES, freshDatabase } from './support/engines';

/**
 * The compiled CLI (`npm test` builds dist/ first), run as a real child process on the same
 * database an in-process API reads, so every printed key is checked against the API.
 */
const ROOT = resolve(__dirname, '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const KEY = /^cc_[0-9A-Za-z]{8}_[0-9A-Za-z]{32}$/;

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

let unique = 0;
const email = (label: string) => `${label}-${process.pid}-${++unique}@cli.example`;

describe.each(ENGINES)('the CLI [%s]', (engine: Engine) => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let db: Database;
  let app: FastifyInstance;
  let dropDatabase: () => Promise<void>;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cc-cli-'));
    const database = await freshDatabase(engine);
    dropDatabase = database.drop;
    env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: database.url ?? '' };
    delete env.ACCESS_TOKEN_SECRET;
    db = await openDatabase({ url: database.url, sqliteFile: join(dataDir, 'command-center.sqlite'), poolSize: 2 });
    const services = createServices(db, systemClock, { trialLengthDays: 14, appUrl: 'http://localhost:4000', accessTokenSecret: 'x'.repeat(32), auditRetentionDays: 365 });
    app = await buildApp({ services, production: false, introspection: true, requestTimeoutMs: 10_000, bodyLimitBytes: 1_048_576, logger: false });
  });

  afterAll(async () => {
    await app?.close();
    await db?.close();
    await dropDatabase?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const cli = (...args: string[]): Promise<CliRun> =>
    new Promise((done) => {
      execFile(process.execPath, [CLI, ...args], { cwd: ROOT, env }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        done({ code, stdout, stderr });
      });
    });

  /** The whole of stdout must be one JSON object: anything else on stdout fails the parse. */
  const json = (run: CliRun) => {
    try {
      return JSON.parse(run.stdout);
    } catch {
      throw new Error(`stdout is not one JSON object (exit ${run.code}): ${JSON.stringify(run.stdout)} stderr: ${run.stderr}`);
    }
  };

  const gql = async (key: string, query: string, variables?: Record<string, unknown>) => {
    const response = await app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      payload: JSON.stringify({ query, variables }),
    });
    // The cost report (`extensions.cost`) is the limits tests' concern; these compare data and errors.
    const { extensions: _cost, ...body } = response.json();
    return { status: response.statusCode, body };
  };

  const count = async (table: string) => {
    const rows: Array<{ n: number | string }> = await db.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`);
    return Number(rows[0].n);
  };

  const createMsp = async (name = 'Northwind IT') => {
    const run = await cli('msp', 'create', '--name', name, '--email', email('msp'), '--json');
    expect(run.code).toBe(0);
    return json(run) as { id: string; accountNumber: string; name: string; apiKey: string };
  };

  describe('msp create', () => {
    it('prints exactly the new MSP and a working MSP_ADMIN key', async () => {
      const adminEmail = email('admin');
      const run = await cli('msp', 'create', '--name', '  Contoso Managed  ', '--email', adminEmail, '--json');
      expect(run.code).toBe(0);
      const created = json(run);
      expect(Object.keys(created).sort()).toEqual(['accountNumber', 'apiKey', 'id', 'name']);
      expect(created.name).toBe('Contoso Managed');
      expect(created.accountNumber).toMatch(/^\d{6,}$/);
      expect(created.id).toBe(toGlobalId('Msp', created.accountNumber));
      expect(created.apiKey).toMatch(KEY);

      const seen = await gql(created.apiKey, '{ msp { id accountNumber name adminEmail } }');
      expect(seen).toEqual({ status: 200, body: { data: { msp: { id: created.id, accountNumber: created.accountNumber, name: 'Contoso Managed', adminEmail } } } });
      const added = await gql(created.apiKey, 'mutation($input: AddCustomerInput!) { addCustomer(input: $input) { userErrors { code } } }', {
        input: { adminEmail: email('customer'), organizationName: 'Written with the CLI key' },
      });
      expect(added.body).toEqual({ data: { addCustomer: { userErrors: [] } } });
    });

    it('refuses an email already taken, in any case and spacing, writing nothing', async () => {
      const taken = email('taken');
      expect((await cli('msp', 'create', '--name', 'First', '--email', taken, '--json')).code).toBe(0);
      const [accounts, keys] = [await count('accounts'), await count('api_keys')];

      const run = await cli('msp', 'create', '--name', 'Second', '--email', `  ${taken.toUpperCase()} `, '--json');
      expect(run.code).toBe(1);
      expect(json(run)).toEqual({ error: { code: 'EMAIL_TAKEN', message: expect.any(String) } });
      expect(json(run).error.message).not.toContain('First');
      expect([await count('accounts'), await count('api_keys')]).toEqual([accounts, keys]);
    });

    it('refuses an invalid email with exit 1 and INVALID_EMAIL, writing nothing', async () => {
      const accounts = await count('accounts');
      const run = await cli('msp', 'create', '--name', 'Typo Inc', '--email', 'not-an-address', '--json');
      expect(run.code).toBe(1);
      expect(json(run)).toEqual({ error: { code: 'INVALID_EMAIL', message: expect.any(String) } });
      expect(await count('accounts')).toBe(accounts);
    });

    it('treats a missing --name, an unknown flag or an unknown command as usage errors (exit 2)', async () => {
      const accounts = await count('accounts');
      const [noName, badFlag, badCommand, nothing] = await Promise.all([
        cli('msp', 'create', '--email', email('usage'), '--json'),
        cli('msp', 'create', '--name', 'X', '--email', email('usage'), '--colour', 'red', '--json'),
        cli('msp', 'destroy', '--json'),
        cli(),
      ]);
      for (const run of [noName, badFlag, badCommand]) {
        expect(run.code).toBe(2);
        expect(json(run)).toEqual({ error: { code: 'USAGE', message: expect.any(String) } });
      }
      expect(json(noName).error.message).toContain('--name');
      expect(nothing.code).toBe(2);
      expect(nothing.stdout).toBe('');
      expect(nothing.stderr).toContain('Usage');
      expect(await count('accounts')).toBe(accounts);
    });

    it('prints human text without --json', async () => {
      const run = await cli('msp', 'create', '--name', 'Plain Text MSP', '--email', email('text'));
      expect(run.code).toBe(0);
      expect(() => JSON.parse(run.stdout)).toThrow();
      expect(run.stdout).toContain('Plain Text MSP');
      const key = /cc_[0-9A-Za-z]{8}_[0-9A-Za-z]{32}/.exec(run.stdout)?.[0];
      expect(key).toBeDefined();
      expect((await gql(key as string, '{ msp { name } }')).body).toEqual({ data: { msp: { name: 'Plain Text MSP' } } });

      const refused = await cli('msp', 'create', '--name', 'Again', '--email', 'nope');
      expect(refused.code).toBe(1);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toMatch(/email/i);
    });
  });

  describe('signup', () => {
    it('creates a standalone account whose email then blocks msp create', async () => {
      const address = email('standalone');
      const run = await cli('signup', '--name', 'Solo Dental', '--email', address, '--json');
      expect(run.code).toBe(0);
      const account = json(run);
      expect(Object.keys(account).sort()).toEqual(['accountNumber', 'id', 'name']);
      expect(account).toEqual({ id: toGlobalId('CustomerAccount', account.accountNumber), accountNumber: expect.stringMatching(/^\d{6,}$/), name: 'Solo Dental' });

      const accounts = await count('accounts');
      const blocked = await cli('msp', 'create', '--name', 'Would-be MSP', '--email', address.toUpperCase(), '--json');
      expect(blocked.code).toBe(1);
      expect(json(blocked).error.code).toBe('EMAIL_TAKEN');
      expect(await count('accounts')).toBe(accounts);
    });
  });

  describe('key create, list and revoke', () => {
    it('issues an MSP_READ key that reads its MSP and may not write', async () => {
      const msp = await createMsp();
      const run = await cli('key', 'create', '--msp', msp.accountNumber, '--role', 'MSP_READ', '--name', 'dashboard', '--json');
      expect(run.code).toBe(0);
      const key = json(run);
      expect(key).toMatchObject({ apiKey: expect.stringMatching(KEY), role: 'MSP_READ', name: 'dashboard', mspAccountNumber: msp.accountNumber });
      expect(key.apiKey.startsWith(`cc_${key.prefix}_`)).toBe(true);

      expect((await gql(key.apiKey, '{ msp { accountNumber } }')).body).toEqual({ data: { msp: { accountNumber: msp.accountNumber } } });
      const write = await gql(key.apiKey, 'mutation($input: AddCustomerInput!) { addCustomer(input: $input) { userErrors { code } } }', {
        input: { adminEmail: email('read-only'), organizationName: 'Not allowed' },
      });
      expect(write.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });

    it('issues staff and app keys with their roles', async () => {
      const msp = await createMsp('Seen By Staff');
      const [staffRun, appRun] = await Promise.all([
        cli('key', 'create', '--staff', '--name', 'support desk', '--json'),
        cli('key', 'create', '--app', '--name', 'product app', '--json'),
      ]);
      expect([staffRun.code, appRun.code]).toEqual([0, 0]);
      const staff = json(staffRun);
      const appKey = json(appRun);
      expect(staff).toMatchObject({ apiKey: expect.stringMatching(KEY), role: 'STAFF', mspAccountNumber: null });
      expect(appKey).toMatchObject({ apiKey: expect.stringMatching(KEY), role: 'APP', mspAccountNumber: null });

      const asStaff = await gql(staff.apiKey, 'query($n: String) { msp(accountNumber: $n) { name } }', { n: msp.accountNumber });
      expect(asStaff.body).toEqual({ data: { msp: { name: 'Seen By Staff' } } });
      const asApp = await gql(appKey.apiKey, 'query($n: String) { msp(accountNumber: $n) { name } }', { n: msp.accountNumber });
      expect(asApp.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });

    it('refuses a bad role (exit 2) and an unknown MSP (exit 1, MSP_NOT_FOUND) without writing', async () => {
      const msp = await createMsp();
      const keys = await count('api_keys');
      const [badRole, noMsp] = await Promise.all([
        cli('key', 'create', '--msp', msp.accountNumber, '--role', 'STAFF', '--name', 'x', '--json'),
        cli('key', 'create', '--msp', '99999999999', '--role', 'MSP_ADMIN', '--name', 'x', '--json'),
      ]);
      expect(badRole.code).toBe(2);
      expect(json(badRole).error.message).toContain('--role');
      expect(noMsp.code).toBe(1);
      expect(json(noMsp)).toEqual({ error: { code: 'MSP_NOT_FOUND', message: expect.any(String) } });
      expect(await count('api_keys')).toBe(keys);
    });

    it("lists an MSP's keys, and the staff and app keys, without secrets", async () => {
      const [msp, other] = await Promise.all([createMsp(), createMsp()]);
      const [extra, staff] = (
        await Promise.all([
          cli('key', 'create', '--msp', msp.accountNumber, '--role', 'MSP_ADMIN', '--name', 'second admin', '--json'),
          cli('key', 'create', '--staff', '--name', 'listed staff key', '--json'),
        ])
      ).map(json);

      const [mspList, staffList] = await Promise.all([cli('key', 'list', '--msp', msp.accountNumber, '--json'), cli('key', 'list', '--staff', '--json')]);
      expect([mspList.code, staffList.code]).toEqual([0, 0]);
      const mspKeys = json(mspList).keys;
      expect(mspKeys).toHaveLength(2);
      expect(mspKeys.map((k: { prefix: string }) => k.prefix)).toContain(extra.prefix);
      expect(mspKeys.map((k: { prefix: string }) => k.prefix)).toContain(msp.apiKey.slice(3, 11));
      expect(mspKeys.every((k: { mspAccountNumber: string }) => k.mspAccountNumber === msp.accountNumber)).toBe(true);
      expect(mspList.stdout).not.toContain(other.apiKey.slice(3, 11));

      const staffKeys = json(staffList).keys;
      expect(staffKeys.map((k: { prefix: string }) => k.prefix)).toContain(staff.prefix);
      expect(staffKeys.every((k: { role: string }) => k.role === 'STAFF' || k.role === 'APP')).toBe(true);
      for (const output of [mspList.stdout, staffList.stdout]) expect(output).not.toMatch(/cc_[0-9A-Za-z]{8}_[0-9A-Za-z]{32}/);
    });

    it('revokes a key by prefix: the API then answers 401', async () => {
      const msp = await createMsp();
      const prefix = msp.apiKey.slice(3, 11);
      expect((await gql(msp.apiKey, '{ msp { accountNumber } }')).status).toBe(200);

      const run = await cli('key', 'revoke', prefix, '--json');
      expect(run.code).toBe(0);
      expect(json(run)).toMatchObject({ prefix, revokedAt: expect.any(String) });
      const refused = await gql(msp.apiKey, '{ msp { accountNumber } }');
      expect(refused.status).toBe(401);
      expect(refused.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      const listed = json(await cli('key', 'list', '--msp', msp.accountNumber, '--json')).keys;
      expect(listed).toEqual([expect.objectContaining({ prefix, revokedAt: expect.any(String) })]);
    });

    it('refuses to revoke an unknown prefix with exit 1 and KEY_NOT_FOUND', async () => {
      const run = await cli('key', 'revoke', 'Zz9Zz9Zz', '--json');
      expect(run.code).toBe(1);
      expect(json(run)).toEqual({ error: { code: 'KEY_NOT_FOUND', message: expect.any(String) } });
    });
  });

  describe('demo seed', () => {
    const DASHBOARD = '{ msp { accountNumber customerCounts { paid activeTrials expiredTrials } } }';

    it('seeds the demo once and prints a working key every time', async () => {
      const first = await cli('demo', 'seed', '--json');
      expect(first.code).toBe(0);
      const seeded = json(first);
      expect(seeded).toMatchObject({ created: true, accountNumber: expect.stringMatching(/^\d{6,}$/), apiKey: expect.stringMatching(KEY) });
      const accounts = await count('accounts');

      const second = await cli('demo', 'seed', '--json');
      expect(second.code).toBe(0);
      const again = json(second);
      expect(again).toMatchObject({ created: false, accountNumber: seeded.accountNumber, apiKey: expect.stringMatching(KEY) });
      expect(await count('accounts')).toBe(accounts);

      for (const key of [seeded.apiKey, again.apiKey]) {
        const dashboard = (await gql(key, DASHBOARD)).body.data.msp;
        expect(dashboard.accountNumber).toBe(seeded.accountNumber);
        expect(dashboard.customerCounts).toEqual({ paid: expect.any(Number), activeTrials: expect.any(Number), expiredTrials: expect.any(Number) });
        expect(Math.min(...Object.values(dashboard.customerCounts as Record<string, number>))).toBeGreaterThan(0);
      }
      if (engine === 'sqlite') {
        // The embedded sandbox keeps its demo key in ./data/demo-key, so every run prints the same one.
        expect(again.apiKey).toBe(seeded.apiKey);
        expect(statSync(join(dataDir, 'demo-key')).mode & 0o777).toBe(0o600);
      }
    });
  });
});
