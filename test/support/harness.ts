import { FastifyInstance } from 'fastify';
import { Database, Engine, openDatabase } from '../../src/database/data-source';
import { statementCounter } from '../../src/database/statement-counter';
import { AccountEntity, ApiKeyRole } from '../../src/entities';
import { BODY_LIMIT_DEFAULT, LimitSettings } from '../../src/config/config';
import { buildApp } from '../../src/http/app';
import { ServiceSettings, Services, createServices } from '../../src/services';
import { ManualClock } from '../../src/services/clock';
import { toGlobalId } from '../../src/services/global-id';
import { Principal } from '../../src/services/principal';
import { ENGINES, freshDatabase } from './engines';
import { MysqlLimits } from '../../src/database/mysql-limits';

export const START = new Date('2026-03-02T12:00:00.000Z');

/** Service settings of the test API (no SMTP: mail stays in the outbox table). */
export const TEST_SETTINGS = {
  trialLengthDays: 14,
  appUrl: 'http://app.test',
  accessTokenSecret: 'test-access-token-secret-of-32-characters-at-least',
  auditRetentionDays: 365,
  /** Receivers in tests listen on loopback over http. */
  allowInsecureWebhooks: true,
};

export interface GqlResponse<T = any> {
  status: number;
  headers: Record<string, unknown>;
  body: { data?: T; errors?: Array<{ message: string; extensions?: { code?: string; [k: string]: unknown }; path?: string[] }> };
  /** The response's top-level `extensions` (the cost report), kept apart so `body` compares as data and errors. */
  extensions?: { cost?: { requestedQueryCost: number; throttleStatus: { maximumAvailable: number; currentlyAvailable: number; resetsAt: string } } };
}

export interface StartOptions {
  requestTimeoutMs?: number;
  bodyLimitBytes?: number;
  production?: boolean;
  introspection?: boolean;
  limits?: Partial<LimitSettings> & { redisKeyPrefix?: string };
  poolSize?: number;
  corsOrigins?: string[];
  settings?: Partial<ServiceSettings>;
  /** MySQL statement and pool-wait limits (DB_STATEMENT_TIMEOUT_MS and the acquire timeout). */
  dbLimits?: Partial<MysqlLimits>;
}

export interface DeliveredMail {
  to: string;
  subject: string;
  text: string;
}

/** A running API on a fresh database with a clock that only moves when told. */
export class TestApi {
  private constructor(
    readonly engine: Engine,
    readonly app: FastifyInstance,
    readonly db: Database,
    readonly services: Services,
    readonly clock: ManualClock,
    private readonly dropDatabase: () => Promise<void>,
    private readonly mailbox: DeliveredMail[],
    /** The MySQL database's URL (undefined on SQLite), so another instance can open it too. */
    private readonly url: string | undefined,
  ) {}

  /**
   * Mail as delivered (without SMTP the log line is the delivery), oldest first: where a test
   * reads a link the way its recipient would. Waits for deliveries under way.
   */
  async delivered(to?: string): Promise<DeliveredMail[]> {
    await this.services.mail.idle();
    return this.mailbox.filter((mail) => to === undefined || mail.to.toLowerCase() === to.toLowerCase());
  }

  /**
   * Tests send requests far faster and more in parallel than a client's budget allows, so the
   * rate limit and the in-flight cap are out of the way unless a test sets `limits`; the
   * per-request cost cap and the document limits are the production ones.
   */
  static async start(engine: Engine, options: StartOptions = {}): Promise<TestApi> {
    const database = await freshDatabase(engine);
    const db = await openDatabase({ url: database.url, sqliteFile: database.sqliteFile, poolSize: options.poolSize ?? 25, limits: options.dbLimits });
    return TestApi.serve(engine, db, new ManualClock(START), options, database.drop, database.url);
  }

  /**
   * Another server instance on this one's MySQL database: its own Database (pool), services and
   * app, as a second process behind a load balancer would have; same clock. Closing it leaves
   * the database to the first.
   */
  async anotherInstance(options: StartOptions = {}): Promise<TestApi> {
    if (this.url === undefined) throw new Error('a second instance needs a MySQL database (SQLite here is in memory)');
    const db = await openDatabase({ url: this.url, poolSize: options.poolSize ?? 25, limits: options.dbLimits });
    return TestApi.serve(this.engine, db, this.clock, options, async () => undefined, this.url);
  }

  private static async serve(
    engine: Engine,
    db: Database,
    clock: ManualClock,
    options: StartOptions,
    drop: () => Promise<void>,
    url: string | undefined,
  ): Promise<TestApi> {
    const mailbox: DeliveredMail[] = [];
    const mailLog = {
      info: (details: object) => {
        const mail = details as Partial<DeliveredMail>;
        if (mail.to && mail.text !== undefined) mailbox.push({ to: mail.to, subject: mail.subject ?? '', text: mail.text });
      },
      // Printed: a delivery that failed would otherwise leave a test missing its mail with no
      // word of why.
      warn: (details: object, message: string) => console.warn(`mail log: ${message}`, details),
    };
    const services = createServices(db, clock, { ...TEST_SETTINGS, mailLog, ...options.settings });
    const app = await buildApp({
      services,
      production: options.production ?? false,
      introspection: options.introspection ?? true,
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
      bodyLimitBytes: options.bodyLimitBytes ?? BODY_LIMIT_DEFAULT,
      corsOrigins: options.corsOrigins,
      logger: false,
      limits: { rateLimitPoints: 100_000_000, maxInFlightPerKey: 10_000, ...options.limits },
    });
    return new TestApi(engine, app, db, services, clock, drop, mailbox, url);
  }

  async close(): Promise<void> {
    await this.app.close();
    await this.db.close();
    await this.dropDatabase();
  }

  /** POSTs a GraphQL request as a client would. */
  async gql<T = any>(key: string | null, query: string, variables?: Record<string, unknown>): Promise<GqlResponse<T>> {
    const response = await this.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      payload: JSON.stringify({ query, variables }),
    });
    const { extensions, ...body } = response.json();
    // Every error carries its request's id (test/http.api.test.ts checks it); bodies compare without it.
    for (const error of body.errors ?? []) delete error.extensions?.requestId;
    return { status: response.statusCode, headers: response.headers, body, extensions };
  }

  /** Like `gql`, failing the test unless the response has data and no errors. */
  async ok<T = any>(key: string, query: string, variables?: Record<string, unknown>): Promise<T> {
    const response = await this.gql<T>(key, query, variables);
    if (response.status !== 200 || response.body.errors || !response.body.data) {
      throw new Error(`expected success, got ${response.status}: ${JSON.stringify(response.body)}`);
    }
    return response.body.data;
  }

  /** Statements sent to the database while `work` runs. */
  async countStatements<T>(work: () => Promise<T>): Promise<{ result: T; statements: number }> {
    const before = statementCounter.total;
    const result = await work();
    return { result, statements: statementCounter.total - before };
  }

  /** Rows in a table, for "nothing was written" checks. */
  async rowCount(table: string): Promise<number> {
    const rows: Array<{ n: number | string }> = await this.db.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`);
    return Number(rows[0].n);
  }

  // ---- factories: real rows through the services ----

  /** An MSP with its first MSP_ADMIN key. */
  async makeMsp(overrides: { name?: string; email?: string } = {}): Promise<TestMsp> {
    const n = nextId();
    const outcome = await this.services.msps.createMsp(overrides.name ?? `MSP ${n}`, overrides.email ?? `admin${n}@msp${n}.example`);
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
    const { msp, apiKey } = outcome.value;
    return new TestMsp(this, msp, apiKey.secret, apiKey.key.id, apiKey.key.prefix);
  }

  /** A key of any role; MSP roles need the MSP. */
  async makeKey(role: ApiKeyRole, msp?: TestMsp): Promise<string> {
    const created = await this.db.transaction((manager) => this.services.apiKeys.create(manager, role, msp?.entity.id ?? null, `${role} test key`));
    return created.secret;
  }
}

export class TestMsp {
  constructor(
    readonly api: TestApi,
    readonly entity: AccountEntity,
    readonly key: string,
    private readonly keyId: number,
    private readonly keyPrefix: string,
  ) {}

  get id(): string {
    return toGlobalId('Msp', this.entity.accountNumber);
  }

  get principal(): Principal {
    return { keyId: this.keyId, keyPrefix: this.keyPrefix, role: ApiKeyRole.MSP_ADMIN, mspId: this.entity.id };
  }

  /** Adds a customer through the service and optionally registers `users` monitored users. */
  async addCustomer(overrides: { name?: string; email?: string; externalId?: string; users?: number } = {}): Promise<TestCustomer> {
    const n = nextId();
    const outcome = await this.api.services.customers.addCustomer(this.principal, {
      organizationName: overrides.name ?? `Customer ${n}`,
      adminEmail: overrides.email ?? `customer${n}@example.com`,
      externalId: overrides.externalId,
    });
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
    const customer = new TestCustomer(this, outcome.value);
    for (let i = 0; i < (overrides.users ?? 0); i++) await customer.registerUser(`user${i + 1}`);
    return customer;
  }
}

export class TestCustomer {
  constructor(
    readonly msp: TestMsp,
    readonly entity: AccountEntity,
  ) {}

  get id(): string {
    return toGlobalId('CustomerAccount', this.entity.accountNumber);
  }

  get accountNumber(): string {
    return this.entity.accountNumber;
  }

  /** Support's upgrade to a paid subscription, through the real service with a staff principal. */
  async makePaid(seats: number): Promise<void> {
    const staff: Principal = { keyId: 0, keyPrefix: 'test', role: ApiKeyRole.STAFF, mspId: null };
    const outcome = await this.msp.api.services.staffOperations.upgradeToPaid(staff, { customerId: this.id, licensedSeats: seats });
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
  }

  async registerUser(identity: string): Promise<string> {
    const outcome = await this.msp.api.services.monitoredUsers.register(this.msp.principal, { customerId: this.id, identity });
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
    return toGlobalId('MonitoredUser', outcome.value.id);
  }
}

let counter = 0;
const nextId = () => `${process.pid}x${++counter}`;

/**
 * Declares a suite once per engine, each with its own API on its own fresh database.
 * `api()` returns the running instance inside tests.
 */
export function describeEachEngine(name: string, body: (api: () => TestApi, engine: Engine) => void, options: Parameters<typeof TestApi.start>[1] = {}): void {
  describe.each(ENGINES)(`${name} [%s]`, (engine) => {
    let instance: TestApi | undefined;
    beforeAll(async () => {
      instance = await TestApi.start(engine, options);
    });
    afterAll(async () => {
      await instance?.close();
    });
    // Tests are order-free: each starts at START, whatever the one before it did to the clock.
    // (Registered before the body's hooks, so a suite's own beforeEach can still move it.)
    beforeEach(() => {
      instance?.clock.set(START);
    });
    // Nor does a spy a test forgot to restore reach the next one.
    afterEach(() => {
      jest.restoreAllMocks();
    });
    body(() => {
      if (!instance) throw new Error('the test API did not start');
      return instance;
    }, engine);
  });
}
