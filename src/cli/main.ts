import 'reflect-metadata';
import { join } from 'node:path';
import { parseArgs, ParseArgsConfig } from 'node:util';
import { ConfigError, databaseUrl, integer } from '../config/config';
import { Database, isDatabaseUnavailable, openDatabase } from '../database/data-source';
import { ensureDemo } from '../demo/demo-key';
import { AccountEntity, ApiKeyEntity, ApiKeyRole } from '../entities';
import { Services, createServices } from '../services';
import { systemClock } from '../services/clock';
import { toGlobalId } from '../services/global-id';

const USAGE = `Usage: npm run --silent cli -- <command> [options]

Commands:
  msp create --name <name> --email <admin email>   Create an MSP and its first MSP_ADMIN key
  signup --name <name> --email <email>             Create a STANDALONE account (as the public sign-up page does)
  key create --msp <accountNumber> --role MSP_ADMIN|MSP_READ --name <label>
  key create --staff --name <label>                A vendor support key
  key create --app --name <label>                  A key for the product's own app
  key list [--msp <accountNumber> | --staff]       Keys of an MSP, or the staff and app keys
  key revoke <prefix>                              Revoke a key by its prefix (the 8 characters after cc_)
  demo seed                                        Seed the demo MSP if absent and print its key

Options:
  --json   Print exactly one JSON object on stdout
  --help   Show this help

Honours DATABASE_URL (unset: the embedded SQLite database in ./data).
Exit codes: 0 success, 1 refused (JSON: {"error":{"code","message"}}), 2 usage error.`;

/** A refusal the user can act on: exit 1 with a code. */
class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

class UsageError extends Error {}

type Output = { json: Record<string, unknown>; text: string };

type Values = Record<string, string | boolean | undefined>;

function parse(args: string[], options: ParseArgsConfig['options'], positionals = 0): { values: Values; positionals: string[] } {
  try {
    const parsed = parseArgs({ args, options: { ...options, json: { type: 'boolean' } }, allowPositionals: positionals > 0, strict: true });
    if (parsed.positionals.length > positionals) throw new UsageError(`unexpected argument: ${parsed.positionals[positionals]}`);
    return { values: parsed.values as Values, positionals: parsed.positionals };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError((error as Error).message);
  }
}

function required(values: Values, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} is required`);
  return value;
}

function refusal(outcome: { ok: false; errors: Array<{ code: string; message: string }> }): never {
  const first = outcome.errors[0];
  throw new DomainError(first.code, outcome.errors.map((e) => e.message).join(' '));
}

function describeKey(key: ApiKeyEntity, msp?: AccountEntity | null) {
  return {
    prefix: key.prefix,
    name: key.name,
    role: key.role,
    mspAccountNumber: msp?.accountNumber ?? null,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}

async function mspByNumber(services: Services, accountNumber: string): Promise<AccountEntity> {
  const msp = await services.msps.findByAccountNumber(accountNumber.trim());
  if (!msp) throw new DomainError('MSP_NOT_FOUND', `No MSP with account number ${accountNumber}.`);
  return msp;
}

async function run(argv: string[], open: () => Promise<{ services: Services; dataDir: string; db: Database }>): Promise<Output> {
  const [command, sub, ...rest] = argv;
  const words = argv.filter((word) => !word.startsWith('-')).slice(0, 2).join(' ');
  if (command === 'msp' && sub === 'create') {
    const { values } = parse(rest, { name: { type: 'string' }, email: { type: 'string' } });
    const name = required(values, 'name');
    const email = required(values, 'email');
    const { services } = await open();
    const outcome = await services.msps.createMsp(name, email);
    if (!outcome.ok) refusal(outcome);
    const { msp, apiKey } = outcome.value;
    return {
      json: { id: toGlobalId('Msp', msp.accountNumber), accountNumber: msp.accountNumber, name: msp.name, apiKey: apiKey.secret },
      text: `Created MSP "${msp.name}" (account number ${msp.accountNumber}).\nMSP_ADMIN API key (shown once): ${apiKey.secret}`,
    };
  }
  if (command === 'signup') {
    const { values } = parse(argv.slice(1), { name: { type: 'string' }, email: { type: 'string' } });
    const name = required(values, 'name');
    const email = required(values, 'email');
    const { services } = await open();
    const outcome = await services.msps.signup(name, email);
    if (!outcome.ok) refusal(outcome);
    const account = outcome.value;
    return {
      json: { id: toGlobalId('CustomerAccount', account.accountNumber), accountNumber: account.accountNumber, name: account.name },
      text: `Created standalone account "${account.name}" (account number ${account.accountNumber}).`,
    };
  }
  if (command === 'key' && sub === 'create') {
    const { values } = parse(rest, {
      msp: { type: 'string' },
      role: { type: 'string' },
      staff: { type: 'boolean' },
      app: { type: 'boolean' },
      name: { type: 'string' },
    });
    const name = required(values, 'name');
    const targets = [values.msp !== undefined, values.staff === true, values.app === true].filter(Boolean).length;
    if (targets !== 1) throw new UsageError('pass exactly one of --msp <accountNumber>, --staff or --app');
    let role: ApiKeyRole;
    if (values.msp !== undefined) {
      const given = String(values.role ?? '');
      if (given !== ApiKeyRole.MSP_ADMIN && given !== ApiKeyRole.MSP_READ) throw new UsageError('--role must be MSP_ADMIN or MSP_READ with --msp');
      role = given;
    } else {
      if (values.role !== undefined) throw new UsageError('--role goes with --msp only');
      role = values.staff ? ApiKeyRole.STAFF : ApiKeyRole.APP;
    }
    if (name.trim().length > 100) throw new UsageError('--name must be at most 100 characters');
    const { services, db } = await open();
    const msp = values.msp !== undefined ? await mspByNumber(services, String(values.msp)) : null;
    const created = await db.transaction((manager) => services.apiKeys.create(manager, role, msp?.id ?? null, name));
    return {
      json: { apiKey: created.secret, ...describeKey(created.key, msp) },
      text: `Created ${role} key "${created.key.name}" (prefix ${created.key.prefix}).\nAPI key (shown once): ${created.secret}`,
    };
  }
  if (command === 'key' && sub === 'list') {
    const { values } = parse(rest, { msp: { type: 'string' }, staff: { type: 'boolean' } });
    if (values.msp !== undefined && values.staff) throw new UsageError('pass --msp or --staff, not both');
    const { services } = await open();
    const msp = values.msp !== undefined ? await mspByNumber(services, String(values.msp)) : null;
    const keys = msp ? await services.apiKeys.list(msp.id) : values.staff ? await services.apiKeys.list(null) : await services.apiKeys.listAll();
    const owners = new Map<number, AccountEntity>();
    for (const key of keys) {
      if (key.mspId !== null && !owners.has(key.mspId)) {
        const owner = await services.msps.findById(key.mspId);
        if (owner) owners.set(key.mspId, owner);
      }
    }
    const described = keys.map((k) => describeKey(k, k.mspId === null ? null : owners.get(k.mspId)));
    const lines = described.map(
      (k) => `${k.prefix}  ${k.role.padEnd(9)}  ${(k.mspAccountNumber ?? '-').padEnd(8)}  ${k.revokedAt ? 'revoked ' : 'active  '}  ${k.name}`,
    );
    return {
      json: { keys: described },
      text: lines.length ? `PREFIX    ROLE       MSP       STATUS    NAME\n${lines.join('\n')}` : 'No keys.',
    };
  }
  if (command === 'key' && sub === 'revoke') {
    const { positionals } = parse(rest, {}, 1);
    const prefix = positionals[0];
    if (!prefix) throw new UsageError('key revoke needs the key prefix');
    if (!/^[0-9A-Za-z]{8}$/.test(prefix)) throw new UsageError('a key prefix is the 8 letters and digits after "cc_"');
    const { services } = await open();
    const key = await services.apiKeys.revokeByPrefix(prefix);
    if (!key) throw new DomainError('KEY_NOT_FOUND', `No key with prefix ${prefix}.`);
    return { json: { revoked: true, ...describeKey(key) }, text: `Revoked key ${prefix} ("${key.name}").` };
  }
  if (command === 'demo' && sub === 'seed') {
    parse(rest, {});
    const { services, dataDir, db } = await open();
    let apiKey: string;
    let created: boolean;
    if (db.engine === 'sqlite') {
      ({ apiKey, created } = await ensureDemo(services, dataDir));
    } else {
      const seeded = await services.demo.seed();
      created = seeded.apiKey !== null;
      apiKey = seeded.apiKey?.secret ?? (await services.demo.newKey(seeded.msp.id)).secret;
    }
    const msp = await services.demo.find();
    return {
      json: { created, accountNumber: msp?.accountNumber ?? null, apiKey },
      text: `${created ? 'Seeded' : 'Found'} the demo MSP (account number ${msp?.accountNumber}).\nDemo MSP API key: ${apiKey}`,
    };
  }
  throw new UsageError(words ? `unknown command: ${words}` : 'no command given');
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const json = argv.includes('--json');
  const print = (output: Output) => process.stdout.write(json ? `${JSON.stringify(output.json)}\n` : `${output.text}\n`);
  const fail = (code: string, message: string) => {
    if (json) process.stdout.write(`${JSON.stringify({ error: { code, message } })}\n`);
    else process.stderr.write(`Error: ${message}\n`);
  };
  if (argv.length === 0 || argv.includes('--help') || argv[0] === 'help') {
    if (argv.length === 0) {
      process.stderr.write(`${USAGE}\n`);
      return 2;
    }
    process.stdout.write(json ? `${JSON.stringify({ usage: USAGE })}\n` : `${USAGE}\n`);
    return 0;
  }
  let db: Database | undefined;
  const open = async () => {
    const env = process.env;
    const url = databaseUrl(env);
    const dataDir = env.DATA_DIR?.trim() || join(process.cwd(), 'data');
    const trialLengthDays = integer(env, 'TRIAL_LENGTH_DAYS', 14, 1, 365);
    db = await openDatabase({ url, sqliteFile: join(dataDir, 'command-center.sqlite'), poolSize: 2 });
    const appUrl = (env.APP_URL?.trim() || 'http://localhost:4000').replace(/\/+$/, '');
    // The CLI signs no access tokens; the secret is only needed by the server.
    const settings = { trialLengthDays, appUrl, accessTokenSecret: env.ACCESS_TOKEN_SECRET?.trim() || 'unused-by-the-cli', smtpUrl: env.SMTP_URL?.trim() || undefined, smtpFrom: env.SMTP_FROM?.trim() || undefined, auditRetentionDays: 365 };
    return { services: createServices(db, systemClock, settings), dataDir, db };
  };
  try {
    print(await run(argv, open));
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      fail('USAGE', error.message);
      if (!json) process.stderr.write(`\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof DomainError) {
      fail(error.code, error.message);
      return 1;
    }
    if (error instanceof ConfigError) {
      fail('CONFIGURATION', error.message);
      return 1;
    }
    if (isDatabaseUnavailable(error)) {
      fail('SERVICE_UNAVAILABLE', `The database is unavailable: ${(error as Error).message}`);
      return 1;
    }
    fail('INTERNAL', (error as Error).message);
    if (!json) process.stderr.write(`${(error as Error).stack}\n`);
    return 1;
  } finally {
    await db?.close();
  }
}

main().then((code) => {
  process.exitCode = code;
});
