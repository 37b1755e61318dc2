import { createHash, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { createPool, Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';

/**
 * The benchmark's yardstick: what this runtime and database need for the dashboard and for
 * `addCustomer`, written by hand with node:http and a mysql2 pool, no framework. It answers the
 * same POST /graphql requests the benchmark sends the project (it reads `operationName` and
 * `variables`, never parses the GraphQL text) with the same JSON `data`, which the benchmark
 * checks before timing anything. Auth as the project: the key looked up by prefix, SHA-256 of
 * its secret compared in constant time, its MSP joined in the same statement.
 *
 *   Dashboard:   auth, the rollup row with its watermark correction, the page: 3 statements.
 *   AddCustomer: auth, then one transaction (the rollup row update that is also the MSP's lock,
 *                the account, its verification link, the outbox row, two audit entries).
 *
 * Env: DATABASE_URL (mysql://), PORT (0: any free port), DB_POOL_SIZE (10, as the project).
 * Prints `listening <port>` on stdout once ready.
 */
const KEY_PATTERN = /^Bearer\s+cc_([0-9A-Za-z]{8})_([0-9A-Za-z]{32})\s*$/i;
const FREEMIUM_USER_LIMIT = 3;
const DAY_MS = 86_400_000;
const TRIAL_DAYS = Number(process.env.TRIAL_LENGTH_DAYS ?? 14);
const APP_URL = process.env.APP_URL ?? 'http://localhost:4000';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const globalId = (type: string, key: string) => Buffer.from(`${type}:${key}`, 'utf8').toString('base64url');
const cursor = (ordering: string, value: string, id: number) => Buffer.from(JSON.stringify([ordering, value, id]), 'utf8').toString('base64url');

interface Caller {
  prefix: string;
  role: string;
  mspId: number;
}

interface DashboardVariables {
  first?: number;
  after?: string | null;
  state?: 'PAID' | 'ACTIVE_TRIAL' | 'EXPIRED_TRIAL' | null;
}

async function authenticate(pool: Pool, header: string | undefined): Promise<Caller | null> {
  const match = KEY_PATTERN.exec(header ?? '');
  if (!match) return null;
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT k.secret_hash, k.role, k.msp_id, k.revoked_at, a.id AS msp FROM api_keys k
     LEFT JOIN accounts a ON a.id = k.msp_id AND a.kind = 'MSP' WHERE k.prefix = ?`,
    [match[1]],
  );
  const key = rows[0];
  if (!key || key.revoked_at || key.msp === null) return null;
  if (!timingSafeEqual(Buffer.from(key.secret_hash, 'hex'), Buffer.from(sha256(match[2]), 'hex'))) return null;
  return { prefix: match[1], role: key.role, mspId: key.msp };
}

function statePredicate(state: DashboardVariables['state']): string {
  if (state === 'PAID') return "AND plan = 'PAID'";
  if (state === 'ACTIVE_TRIAL') return "AND plan = 'TRIAL' AND trial_ends_at > ?";
  if (state === 'EXPIRED_TRIAL') return "AND plan = 'TRIAL' AND (trial_ends_at <= ? OR trial_ends_at IS NULL)";
  return '';
}

async function dashboard(pool: Pool, caller: Caller, variables: DashboardVariables) {
  const now = new Date();
  const first = variables.first ?? 20;
  const state = variables.state ?? null;
  // The rollup row, and the trials that ended between its watermark and now (either order).
  const [[rollup]] = await pool.query<RowDataPacket[]>(
    `SELECT r.*, c.moved, c.users, c.capped FROM msp_rollups r, (
       SELECT COUNT(*) AS moved, COALESCE(SUM(a.user_count), 0) AS users,
              COALESCE(SUM(LEAST(a.user_count, ${FREEMIUM_USER_LIMIT})), 0) AS capped
       FROM accounts a, msp_rollups w
       WHERE w.msp_id = ? AND a.msp_id = w.msp_id AND a.removed_at IS NULL AND a.plan = 'TRIAL'
         AND a.trial_ends_at > LEAST(w.as_of, ?) AND a.trial_ends_at <= GREATEST(w.as_of, ?)) c
     WHERE r.msp_id = ?`,
    [caller.mspId, now, now, caller.mspId],
  );
  const sign = new Date(rollup.as_of).getTime() <= now.getTime() ? 1 : -1;
  const moved = Number(rollup.moved);
  const totals = {
    paid: rollup.paid_count,
    paidUsers: rollup.paid_users,
    active: rollup.active_count - sign * moved,
    activeUsers: rollup.active_users - sign * Number(rollup.users),
    expired: rollup.expired_count + sign * moved,
    expiredUsers: rollup.expired_users + sign * Number(rollup.capped),
  };
  const params: unknown[] = [caller.mspId];
  if (state === 'ACTIVE_TRIAL' || state === 'EXPIRED_TRIAL') params.push(now);
  let keyset = '';
  if (variables.after) {
    const [ordering, value, id] = JSON.parse(Buffer.from(variables.after, 'base64url').toString('utf8'));
    if (ordering !== 'CREATED_AT:DESC') throw new Error('cursor of another order');
    keyset = 'AND (created_at < ? OR (created_at = ? AND id < ?))';
    params.push(new Date(value), new Date(value), id);
  }
  params.push(first + 1);
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT id, account_number, name, plan, trial_ends_at, user_count, created_at FROM accounts
     WHERE msp_id = ? AND removed_at IS NULL ${statePredicate(state)} ${keyset}
     ORDER BY created_at DESC, id DESC LIMIT ?`,
    params,
  );
  const page = rows.slice(0, first);
  const last = page[page.length - 1];
  const [count, users] =
    state === 'PAID'
      ? [totals.paid, totals.paidUsers]
      : state === 'ACTIVE_TRIAL'
        ? [totals.active, totals.activeUsers]
        : state === 'EXPIRED_TRIAL'
          ? [totals.expired, totals.expiredUsers]
          : [totals.paid + totals.active + totals.expired, totals.paidUsers + totals.activeUsers + totals.expiredUsers];
  return {
    msp: {
      customerCounts: { paid: totals.paid, activeTrials: totals.active, expiredTrials: totals.expired },
      billableMonitoredUsers: totals.paidUsers,
      activeTrialMonitoredUsers: totals.activeUsers,
      expiredTrialMonitoredUsers: totals.expiredUsers,
      customers: {
        totalCount: count,
        monitoredUserTotal: users,
        pageInfo: {
          endCursor: last ? cursor('CREATED_AT:DESC', new Date(last.created_at).toISOString(), last.id) : null,
          hasNextPage: rows.length > first,
        },
        nodes: page.map((row) => {
          const trialEndsAt: Date | null = row.trial_ends_at ? new Date(row.trial_ends_at) : null;
          const subscriptionState =
            row.plan === 'PAID' ? 'PAID' : trialEndsAt && trialEndsAt.getTime() > now.getTime() ? 'ACTIVE_TRIAL' : 'EXPIRED_TRIAL';
          return {
            id: globalId('CustomerAccount', row.account_number),
            accountNumber: row.account_number,
            organizationName: row.name,
            subscriptionState,
            trialEndsAt: trialEndsAt ? trialEndsAt.toISOString() : null,
            monitoredUserCount: subscriptionState === 'EXPIRED_TRIAL' ? Math.min(row.user_count, FREEMIUM_USER_LIMIT) : row.user_count,
          };
        }),
      },
    },
  };
}

const TAKEN: Record<string, [string, string, string]> = {
  UQ_accounts_admin_email_key: ['adminEmail', 'EMAIL_TAKEN', 'This email address is already used by another account. Use a unique address or alias.'],
  UQ_accounts_msp_name_key: ['organizationName', 'ORGANIZATION_NAME_TAKEN', 'You already have a customer with this organization name.'],
};

async function addCustomer(pool: Pool, caller: Caller, input: { adminEmail: string; organizationName: string }, requestId: string, address: string) {
  const email = input.adminEmail.normalize('NFC').trim();
  const name = input.organizationName.normalize('NFC').trim();
  const emailKey = email.toLowerCase();
  const nameKey = name.toLowerCase();
  const now = new Date();
  const trialEndsAt = new Date(now.getTime() + TRIAL_DAYS * DAY_MS);
  const token = randomBytes(32).toString('base64url');
  const connection: PoolConnection = await pool.getConnection();
  try {
    for (let attempt = 0; ; attempt++) {
      const accountNumber = String(randomInt(10_000_000, 100_000_000));
      await connection.query('START TRANSACTION');
      try {
        // The MSP's lock and the rollup change in one statement: a new trial is an active one.
        await connection.query('UPDATE msp_rollups SET version = version + 1, active_count = active_count + 1 WHERE msp_id = ?', [caller.mspId]);
        const [inserted] = await connection.query<ResultSetHeader>(
          `INSERT INTO accounts (account_number, kind, msp_id, name, name_normalized, name_key, admin_email, admin_email_key,
             plan, trial_ends_at, user_count, created_at) VALUES (?, 'CUSTOMER', ?, ?, ?, ?, ?, ?, 'TRIAL', ?, 0, ?)`,
          [accountNumber, caller.mspId, name, nameKey, nameKey, email, emailKey, trialEndsAt, now],
        );
        const id = inserted.insertId;
        const target = globalId('CustomerAccount', accountNumber);
        await connection.query('INSERT INTO email_verifications (account_id, token_hash, email_key, created_at, expires_at) VALUES (?, ?, ?, ?, ?)', [
          id,
          sha256(token),
          emailKey,
          now,
          new Date(now.getTime() + 7 * DAY_MS),
        ]);
        const body = `Hello,\n\nThis address was entered as the administrator email of "${name}" (account number ${accountNumber}).\nTo confirm that it reaches you, open this link within 7 days:\n\n${APP_URL}/#/verify-email?token=${token}\n\nThe link works once. If you did not expect this email, you can ignore it.`;
        await connection.query('INSERT INTO mail_outbox (account_id, recipient, subject, body, created_at) VALUES (?, ?, ?, ?, ?)', [
          id,
          email,
          'Verify your admin email address',
          body,
          now,
        ]);
        const actor = [caller.prefix, caller.role];
        await connection.query(
          `INSERT INTO audit_events (msp_id, actor_key_prefix, actor_role, action, target, details, request_id, client_address, created_at)
           VALUES (?, ?, ?, 'CUSTOMER_ADDED', ?, ?, ?, ?, ?), (?, ?, ?, 'VERIFICATION_EMAIL_SENT', ?, ?, ?, ?, ?)`,
          [
            caller.mspId, ...actor, target, JSON.stringify({ organizationName: name, externalId: null }), requestId, address, now,
            caller.mspId, ...actor, target, JSON.stringify({ reason: 'CUSTOMER_ADDED' }), requestId, address, now,
          ],
        );
        await connection.query('COMMIT');
        return {
          addCustomer: {
            customer: { id: target, accountNumber, organizationName: name, subscriptionState: 'ACTIVE_TRIAL', trialEndsAt: trialEndsAt.toISOString() },
            userErrors: [],
          },
        };
      } catch (error) {
        await connection.query('ROLLBACK');
        const code = (error as { code?: string }).code;
        const index = /for key '(?:[^'.]*\.)?([^']+)'/.exec((error as Error).message)?.[1];
        if (code === 'ER_DUP_ENTRY' && index === 'UQ_accounts_account_number' && attempt < 5) continue;
        if (code === 'ER_DUP_ENTRY' && index && TAKEN[index]) {
          const [field, errorCode, message] = TAKEN[index];
          return { addCustomer: { customer: null, userErrors: [{ field: ['input', field], message, code: errorCode }] } };
        }
        throw error;
      }
    }
  } finally {
    connection.release();
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

export function startBaseline(url: string, port: number, poolSize: number): Promise<{ port: number; close: () => Promise<void> }> {
  const pool = createPool({ uri: url, connectionLimit: poolSize, timezone: 'Z', charset: 'utf8mb4' });
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const handle = async () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { operationName?: string; variables?: Record<string, unknown> };
        const caller = await authenticate(pool, request.headers.authorization);
        if (!caller) return send(response, 401, { errors: [{ message: 'The API key is invalid or revoked.', extensions: { code: 'UNAUTHENTICATED' } }] });
        if (body.operationName === 'Dashboard') return send(response, 200, { data: await dashboard(pool, caller, body.variables ?? {}) });
        if (body.operationName === 'AddCustomer' && caller.role === 'MSP_ADMIN') {
          const input = (body.variables ?? {}).input as { adminEmail: string; organizationName: string };
          return send(response, 200, { data: await addCustomer(pool, caller, input, randomUUID(), request.socket.remoteAddress ?? '') });
        }
        return send(response, 400, { errors: [{ message: 'The baseline answers Dashboard and AddCustomer only.', extensions: { code: 'BAD_REQUEST' } }] });
      };
      handle().catch((error: unknown) => {
        process.stderr.write(`${(error as Error).stack ?? error}\n`);
        send(response, 500, { errors: [{ message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      });
    });
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : port,
        close: () => new Promise<void>((done) => server.close(() => pool.end().then(() => done()))),
      });
    });
  });
}

if (require.main === module) {
  const url = process.env.DATABASE_URL?.trim();
  if (!url) {
    process.stderr.write('DATABASE_URL (mysql://...) is required\n');
    process.exit(1);
  }
  startBaseline(url, Number(process.env.PORT ?? 0), Number(process.env.DB_POOL_SIZE ?? 10)).then(({ port, close }) => {
    process.stdout.write(`listening ${port}\n`);
    const stop = () => void close().then(() => process.exit(0));
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
