import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ApiKeyRole } from '../src/entities';
import { UserErrorCode } from '../src/services/errors';
import { DocBlock, docBlocks, partnerDocs, SETUP_COMMAND } from './support/doc-blocks';
import { ENGINES } from './support/engines';
import { TestApi } from './support/harness';

const ROOT = join(__dirname, '..');
const DOCS = partnerDocs(join(ROOT, 'docs'));

/**
 * Every example in docs/ runs here, so the docs cannot drift from the API:
 * - ```graphql: sent with the demo MSP's MSP_ADMIN key (`key=MSP_READ|STAFF|none` for another);
 *   it must answer without errors and without userErrors, unless the block says which it shows
 *   (`error=CODE`, `userErrors=CODE`). A following ```json variables block holds its variables
 *   (`"<customer id>"`, `"<endCursor>"` are filled in), a ```json response block its exact `data`.
 *   `graphql relay` blocks lose their Relay-only directives (@connection, @prependNode, ...) first, as relay-compiler does.
 * - ```sh: run by bash from the repository root against a server listening on a port, with
 *   `$KEY` (the demo MSP_ADMIN key) and `$READ_KEY`; it must exit 0 and print no `"errors"`
 *   (unless `error=CODE`) and no user errors (unless `userErrors=CODE`).
 *   `sh setup` blocks (install, start) may hold only the commands the test replaces.
 * - ```ts <path>: an excerpt that must appear verbatim in that file (which its own tests run).
 * - ```json (other): must parse. ```text: output shown for reading. Any other language fails.
 */
describe('docs: what the examples cover', () => {
  it('docs/errors.md lists every user error code with its meaning', () => {
    const errors = readFileSync(join(ROOT, 'docs', 'errors.md'), 'utf8');
    const missing = Object.values(UserErrorCode).filter((code) => !new RegExp(`^\\| \`${code}\` \\| [^|]*\\w[^|]*\\|`, 'm').test(errors));
    expect(missing).toEqual([]);
  });

  it('every fenced block has a language the test knows how to check', () => {
    const unknown = DOCS.flatMap(({ file, text }) => docBlocks(file, text))
      .filter((block) => !['graphql', 'sh', 'ts', 'json', 'text'].includes(block.lang))
      .map((block) => `${block.file}:${block.line} \`\`\`${block.lang}`);
    expect(unknown).toEqual([]);
  });

  it('setup blocks hold only install and start commands', () => {
    const other = DOCS.flatMap(({ file, text }) => docBlocks(file, text))
      .filter((block) => block.lang === 'sh' && block.flags.includes('setup'))
      .flatMap((block) => block.code.split('\n').filter((line) => !SETUP_COMMAND.test(line)).map((line) => `${block.file}:${block.line}: ${line}`));
    expect(other).toEqual([]);
  });

  it('ts blocks are excerpts of the example client', () => {
    for (const block of DOCS.flatMap(({ file, text }) => docBlocks(file, text)).filter((b) => b.lang === 'ts')) {
      const path = block.flags[0];
      if (!path) throw new Error(`${block.file}:${block.line}: a ts block names the file it is taken from`);
      const source = readFileSync(join(ROOT, path), 'utf8');
      if (!source.includes(block.code)) throw new Error(`${block.file}:${block.line}: not an excerpt of ${path} (update the docs)`);
    }
  });
});

/** Shell commands as a reader runs them, against the server at `baseUrl`. */
function runShell(code: string, env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-eo', 'pipefail', '-c', code], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Every `userErrors` list in a response, flattened to codes. */
function userErrorCodes(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(userErrorCodes);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([name, inner]) =>
      name === 'userErrors' && Array.isArray(inner) ? inner.map((error: { code: string }) => error.code) : userErrorCodes(inner),
    );
  }
  return [];
}

function lastEndCursor(value: unknown): string | undefined {
  if (Array.isArray(value)) return value.map(lastEndCursor).filter(Boolean).pop();
  if (value && typeof value === 'object') {
    const own = (value as { endCursor?: unknown }).endCursor;
    if (typeof own === 'string') return own;
    return Object.values(value).map(lastEndCursor).filter(Boolean).pop();
  }
  return undefined;
}

/** Each doc file on its own fresh server with the demo MSP, so files run in any order. */
describe.each(ENGINES.flatMap((engine) => DOCS.map(({ file, text }) => [file, engine, text])))('%s [%s]', (file, engine, text) => {
  let api: TestApi;
  let baseUrl: string;
  const keys: Record<string, string | null> = {};
  const placeholders: Record<string, string> = {};

  beforeAll(async () => {
    api = await TestApi.start(engine as 'sqlite' | 'mysql');
    const demo = await api.services.demo.seed();
    if (!demo.apiKey) throw new Error('the demo was not created');
    keys.MSP_ADMIN = demo.apiKey.secret;
    keys.MSP_READ = (await api.db.transaction((manager) => api.services.apiKeys.create(manager, ApiKeyRole.MSP_READ, demo.msp.id, 'docs read key'))).secret;
    keys.STAFF = await api.makeKey(ApiKeyRole.STAFF);
    keys.none = null;
    const initech = await api.ok(keys.MSP_ADMIN, '{ msp { customers(search: "Initech") { nodes { id } } } }');
    placeholders['<customer id>'] = initech.msp.customers.nodes[0].id;
    await api.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(api.app.server.address() as AddressInfo).port}`;
  });
  afterAll(() => api.close());

  function variablesOf(block: DocBlock, previous: unknown): Record<string, unknown> {
    const filled = block.code.replace(/"(<[^">]+>)"/g, (whole, name: string) => {
      if (name === '<endCursor>') {
        const cursor = lastEndCursor(previous);
        if (!cursor) throw new Error(`${block.file}:${block.line}: "<endCursor>" but the previous example returned none`);
        return JSON.stringify(cursor);
      }
      if (!(name in placeholders)) throw new Error(`${block.file}:${block.line}: unknown placeholder ${name}`);
      return JSON.stringify(placeholders[name]);
    });
    return JSON.parse(filled);
  }

  it('every example runs', async () => {
    const blocks = docBlocks(file, text);
    let previous: unknown;
    for (let i = 0; i < blocks.length; i++) {
      const block = blocks[i];
      const where = `${block.file}:${block.line}`;
      if (block.lang === 'graphql') {
        const next = blocks[i + 1];
        const variables = next?.lang === 'json' && next.flags.includes('variables') ? variablesOf(next, previous) : undefined;
        // relay-compiler removes its own directives (and the variables only they use).
        const query = block.flags.includes('relay')
          ? block.code.replace(/@(connection|prependNode|appendNode|prependEdge|appendEdge|deleteRecord)\([^)]*\)/g, '').replace(/,\s*\$connections: \[ID!\]!/, '')
          : block.code;
        const key = keys[block.options.key ?? 'MSP_ADMIN'];
        if (key === undefined) throw new Error(`${where}: unknown key=${block.options.key}`);
        const response = await api.gql(key, query, variables);
        previous = response.body.data;
        if (block.options.error) {
          expect({ where, codes: response.body.errors?.map((error) => error.extensions?.code) }).toEqual({ where, codes: [block.options.error] });
        } else {
          expect({ where, status: response.status, errors: response.body.errors }).toEqual({ where, status: 200, errors: undefined });
        }
        expect({ where, userErrors: userErrorCodes(response.body.data) }).toEqual({ where, userErrors: block.options.userErrors ? [block.options.userErrors] : [] });
        const isResponse = (b: DocBlock | undefined) => b?.lang === 'json' && b.flags.includes('response');
        const after = isResponse(blocks[i + 1]) ? blocks[i + 1] : blocks[i + 1]?.flags.includes('variables') && isResponse(blocks[i + 2]) ? blocks[i + 2] : undefined;
        if (after) expect({ where, data: response.body.data }).toEqual({ where, data: JSON.parse(after.code) });
      } else if (block.lang === 'sh' && !block.flags.includes('setup')) {
        const code = block.code.replaceAll('http://localhost:4000', baseUrl);
        const run = await runShell(code, { KEY: keys.MSP_ADMIN as string, READ_KEY: keys.MSP_READ as string });
        expect({ where, status: run.status, stderr: run.status === 0 ? '' : run.stderr }).toEqual({ where, status: 0, stderr: '' });
        if (block.options.error) expect(run.stdout).toContain(`"code":"${block.options.error}"`);
        else expect({ where, errors: run.stdout.includes('"errors"') ? run.stdout : 'none' }).toEqual({ where, errors: 'none' });
        const shown = [...run.stdout.matchAll(/"userErrors":\[(.*?)\]/g)].flatMap((m) => [...m[1].matchAll(/"code":"(\w+)"/g)].map((c) => c[1]));
        expect({ where, userErrors: shown }).toEqual({ where, userErrors: block.options.userErrors ? [block.options.userErrors] : [] });
      } else if (block.lang === 'json' && !block.flags.includes('variables') && !block.flags.includes('response')) {
        expect(() => JSON.parse(block.code)).not.toThrow();
      }
    }
  });
});
