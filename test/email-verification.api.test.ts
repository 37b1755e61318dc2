import { createHash } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { openDatabase } from '../src/database/data-source';
import { ApiKeyRole, MailOutboxEntity } from '../src/entities';
import { buildApp } from '../src/http/app';
import { createServices } from '../src/services';
import { DAY_MS, ManualClock } from '../src/services/clock';
import { toGlobalId } from '../src/services/global-id';
import { ENGINES, freshDatabase } from './support/engines';
import { GqlResponse, START, TEST_SETTINGS, TestApi, TestMsp, describeEachEngine } from './support/harness';

const ADD_CUSTOMER = `mutation($input: AddCustomerInput!) {
  addCustomer(input: $input) { customer { id accountNumber adminEmailVerified } userErrors { field code } } }`;
const VERIFY = `mutation($input: VerifyAdminEmailInput!) {
  verifyAdminEmail(input: $input) { verified userErrors { field message code } } }`;
const RESEND = `mutation($input: ResendVerificationEmailInput!) {
  resendVerificationEmail(input: $input) { customer { id adminEmail adminEmailVerified } userErrors { field message code } } }`;
const VERIFIED = `query($n: String!) { customer(accountNumber: $n) { adminEmailVerified } }`;

const LINK = /http:\/\/app\.test\/#\/verify-email\?token=([A-Za-z0-9_-]+)/;

interface OutboxRow {
  recipient: string;
  subject: string;
  body: string;
  sentAt: unknown;
  error: string | null;
}

let serial = 0;
const tag = () => `v${++serial}`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function tokenIn(body: string): string {
  const match = LINK.exec(body);
  if (!match) throw new Error(`no verification link in: ${body}`);
  return match[1];
}

function expectForbidden(response: GqlResponse) {
  expect(response.status).toBe(200);
  expect(response.body.data ?? null).toBeNull();
  expect(response.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
}

/** Mail, verification links and audit entries, as stored. */
function storage(api: () => TestApi) {
  const query = <T>(sql: string, params: unknown[] = []) => api().db.dataSource.query(sql, params) as Promise<T[]>;
  return {
    mailTo: (recipient: string) =>
      query<OutboxRow>('SELECT recipient, subject, body, sent_at AS sentAt, error FROM mail_outbox WHERE recipient = ? ORDER BY id', [recipient]),
    /** The token of the newest link delivered to this address (as its recipient reads it). */
    latestToken: async (recipient: string) => {
      const mails = await api().delivered(recipient);
      return tokenIn(mails[mails.length - 1].text);
    },
    audit: (target: string, action: string) =>
      query<{ actorKeyPrefix: string | null; actorRole: string | null; details: string | null }>(
        'SELECT actor_key_prefix AS actorKeyPrefix, actor_role AS actorRole, details FROM audit_events WHERE target = ? AND action = ? ORDER BY id',
        [target, action],
      ),
    verifiedAt: async (accountNumber: string) =>
      (await query<{ at: unknown }>('SELECT admin_email_verified_at AS at FROM accounts WHERE account_number = ?', [accountNumber]))[0].at,
  };
}

describeEachEngine('admin email verification', (api) => {
  const store = storage(api);
  let msp: TestMsp;

  beforeAll(async () => {
    msp = await api().makeMsp();
  });
  beforeEach(() => api().clock.set(START));

  const verify = (token: string, key: string | null = null) => api().gql(key, VERIFY, { input: { token } });
  const expectInvalid = (response: GqlResponse) => {
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      data: {
        verifyAdminEmail: {
          verified: false,
          userErrors: [{ field: ['input', 'token'], code: 'INVALID_TOKEN', message: expect.any(String) }],
        },
      },
    });
  };

  describe('the email addCustomer sends', () => {
    it('goes to the admin with a link to the app; only the hash of its token is stored, and the audit entry has no token', async () => {
      const t = tag();
      const email = `Admin.${t}@Example.com`;
      const { addCustomer } = await api().ok(msp.key, ADD_CUSTOMER, { input: { adminEmail: email, organizationName: `Verify ${t}` } });
      expect(addCustomer.userErrors).toEqual([]);

      const mails = await store.mailTo(email);
      expect(mails).toHaveLength(1);
      expect(mails[0].subject).toBe('Verify your admin email address');
      expect(mails[0].body).toContain(`Verify ${t}`);
      const token = tokenIn((await api().delivered(email))[0].text);
      expect(token).toMatch(/^[A-Za-z0-9_-]{43,}$/);
      // Delivered, the kept copy no longer holds the token (only its hash is stored).
      const kept = (await store.mailTo(email))[0].body;
      expect(kept).not.toContain(token);
      expect(kept).toContain('token=[redacted-after-delivery]');
      expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(32);

      const links = await api().db.dataSource.query('SELECT token_hash AS tokenHash, email_key AS emailKey, expires_at AS expiresAt FROM email_verifications');
      const ours = links.filter((l: { emailKey: string }) => l.emailKey === email.toLowerCase());
      expect(ours).toHaveLength(1);
      expect(ours[0].tokenHash).toBe(sha256(token));
      expect(JSON.stringify(links)).not.toContain(token);
      expect(new Date(ours[0].expiresAt).getTime()).toBe(START.getTime() + 7 * DAY_MS);

      const audit = await store.audit(addCustomer.customer.id, 'VERIFICATION_EMAIL_SENT');
      expect(audit).toHaveLength(1);
      expect(audit[0].actorRole).toBe('MSP_ADMIN');
      const everything = JSON.stringify(await api().db.dataSource.query('SELECT * FROM audit_events'));
      expect(everything).not.toContain(token);
      expect(everything).not.toContain(sha256(token));
      expect(addCustomer.customer.adminEmailVerified).toBe(false);
    });

    it('is kept in the outbox and handed to the log when no SMTP server is configured', async () => {
      const customer = await msp.addCustomer();
      await api().services.mail.idle();
      const [mail] = await store.mailTo(customer.entity.adminEmail);
      expect(mail.sentAt).not.toBeNull();
      expect(mail.error).toBeNull();
    });
  });

  it('is sent for every one of many customers added at once: none is left pending after idle()', async () => {
    const t = tag();
    const emails = Array.from({ length: 30 }, (_, i) => `burst${i}-${t}@example.com`);
    await Promise.all(emails.map((email, i) => api().ok(msp.key, ADD_CUSTOMER, { input: { adminEmail: email, organizationName: `Burst ${t} ${i}` } })));
    await api().services.mail.idle();
    for (const email of emails) {
      const [mail] = await store.mailTo(email);
      expect({ email, sent: mail.sentAt !== null, error: mail.error }).toEqual({ email, sent: true, error: null });
    }
    expect((await api().delivered()).filter((mail) => emails.includes(mail.to))).toHaveLength(30);
  });

  describe('verifyAdminEmail', () => {
    it('verifies with no Authorization header, once, and audits it with no actor', async () => {
      const customer = await msp.addCustomer();
      const token = await store.latestToken(customer.entity.adminEmail);

      const response = await verify(token);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ data: { verifyAdminEmail: { verified: true, userErrors: [] } } });
      expect((await api().ok(msp.key, VERIFIED, { n: customer.accountNumber })).customer.adminEmailVerified).toBe(true);
      expect(new Date(String(await store.verifiedAt(customer.accountNumber))).getTime()).toBe(START.getTime());
      expect(await store.audit(customer.id, 'ADMIN_EMAIL_VERIFIED')).toEqual([{ actorKeyPrefix: null, actorRole: null, details: null }]);
      // No key, but the entry still says which request did it.
      const [entry] = await api().db.dataSource.query("SELECT request_id FROM audit_events WHERE action = 'ADMIN_EMAIL_VERIFIED' AND target = ?", [customer.id]);
      expect(entry.request_id).toBe(response.headers['x-request-id']);

      // Single use: the same link again is refused and changes nothing.
      const audits = await api().rowCount('audit_events');
      expectInvalid(await verify(token));
      expect(await api().rowCount('audit_events')).toBe(audits);
    });

    it('also works when the caller sends a key', async () => {
      const customer = await msp.addCustomer();
      const response = await verify(await store.latestToken(customer.entity.adminEmail), msp.key);
      expect(response.body.data.verifyAdminEmail).toEqual({ verified: true, userErrors: [] });
    });

    it.each([
      ['unknown', 'A'.repeat(43)],
      ['malformed', 'not a token'],
      ['empty', ''],
      ['too long', 'A'.repeat(500)],
    ])('refuses an %s token with INVALID_TOKEN over HTTP 200, writing nothing', async (_kind, token) => {
      const before = [await api().rowCount('audit_events'), await api().rowCount('email_verifications')];
      expectInvalid(await verify(token));
      expect([await api().rowCount('audit_events'), await api().rowCount('email_verifications')]).toEqual(before);
    });

    it('accepts a link until 7 days have passed, and not at 7 days', async () => {
      const early = await msp.addCustomer();
      const late = await msp.addCustomer();
      const earlyToken = await store.latestToken(early.entity.adminEmail);
      const lateToken = await store.latestToken(late.entity.adminEmail);

      api().clock.advance(7 * DAY_MS - 1);
      expect((await verify(earlyToken)).body.data.verifyAdminEmail.verified).toBe(true);
      api().clock.advance(1);
      expectInvalid(await verify(lateToken));
      expect((await api().ok(msp.key, VERIFIED, { n: late.accountNumber })).customer.adminEmailVerified).toBe(false);
    });

    it('refuses the link of a removed customer, whose email can no longer be resent or corrected either', async () => {
      const customer = await msp.addCustomer();
      const token = await store.latestToken(customer.entity.adminEmail);
      const staff = await api().makeKey(ApiKeyRole.STAFF);
      const removed = await api().ok(staff, `mutation($input: RemoveCustomerInput!) { removeCustomer(input: $input) { userErrors { code } } }`, {
        input: { customerId: customer.id },
      });
      expect(removed.removeCustomer.userErrors).toEqual([]);

      expectInvalid(await verify(token));
      expect(await store.verifiedAt(customer.accountNumber)).toBeNull();
      const resend = await api().ok(msp.key, RESEND, { input: { customerId: customer.id } });
      expect(resend.resendVerificationEmail.userErrors.map((e: { code: string }) => e.code)).toEqual(['NOT_FOUND']);
      const update = await api().ok(msp.key, `mutation($input: UpdateCustomerInput!) { updateCustomer(input: $input) { userErrors { code } } }`, {
        input: { customerId: customer.id, adminEmail: `back-${tag()}@example.com` },
      });
      expect(update.updateCustomer.userErrors.map((e: { code: string }) => e.code)).toEqual(['NOT_FOUND']);
    });

    it('offers a keyless caller nothing but `verified` and `userErrors`', async () => {
      const type = await api().ok(msp.key, `{ __type(name: "VerifyAdminEmailPayload") { fields { name } } }`);
      expect(type.__type.fields.map((f: { name: string }) => f.name).sort()).toEqual(['userErrors', 'verified']);

      // Another root field beside it needs a key: refused before anything runs.
      const customer = await msp.addCustomer();
      const token = await store.latestToken(customer.entity.adminEmail);
      const accounts = await api().rowCount('accounts');
      const response = await api().gql(
        null,
        `mutation($input: VerifyAdminEmailInput!) {
          verifyAdminEmail(input: $input) { verified }
          addCustomer(input: { adminEmail: "sneaky@example.com", organizationName: "Sneaky" }) { customer { id } }
        }`,
        { input: { token } },
      );
      expect(response.status).toBe(401);
      expect(await api().rowCount('accounts')).toBe(accounts);
      expect(await store.verifiedAt(customer.accountNumber)).toBeNull();
    });
  });

  describe('resendVerificationEmail', () => {
    it('mails a new link that works; the first one still works until used', async () => {
      const customer = await msp.addCustomer();
      const first = await store.latestToken(customer.entity.adminEmail);
      const { resendVerificationEmail } = await api().ok(msp.key, RESEND, { input: { customerId: customer.id } });
      expect(resendVerificationEmail).toEqual({
        customer: { id: customer.id, adminEmail: customer.entity.adminEmail, adminEmailVerified: false },
        userErrors: [],
      });
      const mails = await store.mailTo(customer.entity.adminEmail);
      expect(mails).toHaveLength(2);
      const second = tokenIn((await api().delivered(customer.entity.adminEmail))[1].text);
      expect(second).not.toBe(first);
      const audit = await store.audit(customer.id, 'VERIFICATION_EMAIL_SENT');
      expect(audit.map((a) => JSON.parse(String(a.details)))).toEqual([{ reason: 'CUSTOMER_ADDED' }, { reason: 'RESENT' }]);
      expect(JSON.stringify(audit)).not.toContain(second);

      expect((await verify(second)).body.data.verifyAdminEmail.verified).toBe(true);
      // Verified now: the older link has nothing left to verify.
      expectInvalid(await verify(first));
    });

    it('refuses once the email is verified (EMAIL_ALREADY_VERIFIED) and sends nothing', async () => {
      const customer = await msp.addCustomer();
      await verify(await store.latestToken(customer.entity.adminEmail));
      const mails = await api().rowCount('mail_outbox');
      const { resendVerificationEmail } = await api().ok(msp.key, RESEND, { input: { customerId: customer.id } });
      expect(resendVerificationEmail).toEqual({
        customer: null,
        userErrors: [{ field: ['input', 'customerId'], code: 'EMAIL_ALREADY_VERIFIED', message: expect.any(String) }],
      });
      expect(await api().rowCount('mail_outbox')).toBe(mails);
    });

    it.each([ApiKeyRole.MSP_READ, ApiKeyRole.STAFF, ApiKeyRole.APP])('refuses a %s key with FORBIDDEN and sends nothing', async (role) => {
      const customer = await msp.addCustomer();
      const key = await api().makeKey(role, role === ApiKeyRole.MSP_READ ? msp : undefined);
      const before = [await api().rowCount('mail_outbox'), await api().rowCount('email_verifications')];
      expectForbidden(await api().gql(key, RESEND, { input: { customerId: customer.id } }));
      expect([await api().rowCount('mail_outbox'), await api().rowCount('email_verifications')]).toEqual(before);
    });

    it('answers 401 without a key', async () => {
      const customer = await msp.addCustomer();
      const response = await api().gql(null, RESEND, { input: { customerId: customer.id } });
      expect(response.status).toBe(401);
      expect(response.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    });

    it("answers another MSP's customer exactly like a missing one (NOT_FOUND) and sends nothing", async () => {
      const customer = await msp.addCustomer();
      const other = await api().makeMsp();
      const before = [await api().rowCount('mail_outbox'), await api().rowCount('email_verifications'), await api().rowCount('audit_events')];
      const answers = [];
      for (const customerId of [customer.id, toGlobalId('CustomerAccount', '1234567'), 'not-an-id', toGlobalId('Msp', msp.entity.accountNumber)]) {
        const response = await api().gql(other.key, RESEND, { input: { customerId } });
        expect(response.status).toBe(200);
        answers.push(response.body);
      }
      expect(answers[0]).toEqual({
        data: { resendVerificationEmail: { customer: null, userErrors: [{ field: ['input', 'customerId'], code: 'NOT_FOUND', message: 'No customer with this id.' }] } },
      });
      for (const answer of answers) expect(answer).toEqual(answers[0]);
      expect([await api().rowCount('mail_outbox'), await api().rowCount('email_verifications'), await api().rowCount('audit_events')]).toEqual(before);
      expect(await store.mailTo(customer.entity.adminEmail)).toHaveLength(1);
    });
  });
});

interface Received {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server on loopback that keeps what it receives and refuses recipients at refused.example. */
async function startSmtpServer(): Promise<{ url: string; received: Received[]; next: () => Promise<Received>; close: () => Promise<void> }> {
  const received: Received[] = [];
  const waiting: Array<(mail: Received) => void> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      callback(address.address.endsWith('@refused.example') ? new Error('mailbox unavailable') : undefined);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const mail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        };
        received.push(mail);
        waiting.shift()?.(mail);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    next: () =>
      new Promise<Received>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no mail arrived within 5 s')), 5000);
        waiting.push((mail) => {
          clearTimeout(timer);
          resolve(mail);
        });
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.each(ENGINES)('verification email over SMTP [%s]', (engine) => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let close: () => Promise<void>;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let services: ReturnType<typeof createServices>;
  let adminKey: string;

  const gql = async (key: string | null, query: string, variables: Record<string, unknown>) => {
    const response = await app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      payload: JSON.stringify({ query, variables }),
    });
    return response.json();
  };
  const outbox = (recipient: string) =>
    services.db.dataSource.query('SELECT sent_at AS sentAt, error FROM mail_outbox WHERE recipient = ?', [recipient]) as Promise<
      Array<{ sentAt: unknown; error: string | null }>
    >;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    const database = await freshDatabase(engine);
    const db = await openDatabase({ url: database.url, sqliteFile: database.sqliteFile, poolSize: 10 });
    services = createServices(db, new ManualClock(START), { ...TEST_SETTINGS, smtpUrl: smtp.url, smtpFrom: 'Command Center <cc@vendor.example>' });
    app = await buildApp({ services, production: false, introspection: true, requestTimeoutMs: 10_000, bodyLimitBytes: 1_048_576, logger: false });
    const created = await services.msps.createMsp('SMTP MSP', 'admin@smtp-msp.example');
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    adminKey = created.value.apiKey.secret;
    close = async () => {
      await app.close();
      await services.mail.idle();
      await db.close();
      await database.drop();
      await smtp.close();
    };
  });
  afterAll(async () => {
    await close?.();
  });

  it('delivers the link to the admin through the SMTP server, and the link verifies', async () => {
    const arrival = smtp.next();
    const added = await gql(adminKey, ADD_CUSTOMER, { input: { adminEmail: 'Owner@Dental.example', organizationName: 'Dental SMTP' } });
    expect(added.data.addCustomer.userErrors).toEqual([]);
    const mail = await arrival;
    // nodemailer writes the domain in lower case; the local part stays as entered.
    expect(mail.to).toEqual(['Owner@dental.example']);
    expect(mail.from).toBe('cc@vendor.example');
    expect(mail.raw).toMatch(/^Subject: Verify your admin email address\r?$/m);
    const token = tokenIn(mail.raw.replace(/=\r?\n/g, '').replace(/=3D/g, '='));

    await services.mail.idle();
    const [row] = await outbox('Owner@Dental.example');
    expect(row.sentAt).not.toBeNull();
    expect(row.error).toBeNull();

    const verified = await gql(null, VERIFY, { input: { token } });
    expect(verified.data.verifyAdminEmail).toEqual({ verified: true, userErrors: [] });
  });

  it('sends only after the transaction commits, and nothing for one rolled back', async () => {
    const arrival = smtp.next();
    await services.db.transaction(async (manager) => {
      await services.mail.enqueue(manager, { to: 'late@commit.example', subject: 'After commit', body: 'hello' });
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Still inside the transaction: nothing may have left yet.
      expect(smtp.received.filter((m) => m.to.includes('late@commit.example'))).toEqual([]);
    });
    expect((await arrival).to).toEqual(['late@commit.example']);

    const count = smtp.received.length;
    await expect(
      services.db.transaction(async (manager) => {
        await services.mail.enqueue(manager, { to: 'never@rollback.example', subject: 'Rolled back', body: 'hello' });
        throw new Error('the change fails');
      }),
    ).rejects.toThrow('the change fails');
    await services.mail.idle();
    expect(smtp.received.length).toBe(count);
    expect(await outbox('never@rollback.example')).toEqual([]);
  });

  it("sends a savepoint's mail only when both it and its transaction commit", async () => {
    const arrival = smtp.next();
    await services.db.transaction(async (manager) => {
      await services.mail.enqueue(manager, { to: 'outer@commit.example', subject: 'Outer', body: 'hello' });
      await expect(
        services.db.transaction(async (inner) => {
          await services.mail.enqueue(inner, { to: 'inner@rollback.example', subject: 'Inner', body: 'hello' });
          throw new Error('the inner part fails');
        }),
      ).rejects.toThrow('the inner part fails');
    });
    expect((await arrival).to).toEqual(['outer@commit.example']);
    await services.mail.idle();
    expect(smtp.received.filter((m) => m.to.includes('inner@rollback.example'))).toEqual([]);
    expect(await outbox('inner@rollback.example')).toEqual([]);
  });

  it('sends a row a stopped process left pending once, however many passes run at once, and redacts it', async () => {
    // As committed by a process that stopped before delivering it: a row, and no delivery under way.
    await services.db.transaction((manager) =>
      manager.insert(MailOutboxEntity, {
        recipient: 'left@behind.example',
        subject: 'Left behind',
        body: 'open http://app.test/#/verify-email?token=secret-token-value now',
        createdAt: START,
        sentAt: null,
        error: null,
      }),
    );
    const passes = await Promise.all([services.mail.deliverPending(), services.mail.deliverPending(), services.mail.deliverPending()]);
    expect(passes.reduce((a, b) => a + b, 0)).toBe(1);
    await services.mail.idle();
    const received = smtp.received.filter((m) => m.to.includes('left@behind.example'));
    expect(received).toHaveLength(1);
    expect(received[0].raw).toContain('secret-token-value');
    const [row] = await services.db.dataSource.query('SELECT sent_at AS sentAt, body FROM mail_outbox WHERE recipient = ?', ['left@behind.example']);
    expect(row.sentAt).not.toBeNull();
    expect(row.body).toBe('open http://app.test/#/verify-email?token=[redacted-after-delivery] now');
  });

  it('records the error of a refused delivery on the outbox row', async () => {
    await services.db.transaction((manager) => services.mail.enqueue(manager, { to: 'nobody@refused.example', subject: 'Refused', body: 'hello' }));
    await services.mail.idle();
    const [row] = await outbox('nobody@refused.example');
    expect(row.sentAt).toBeNull();
    expect(row.error).toMatch(/mailbox unavailable/);
  });
});
