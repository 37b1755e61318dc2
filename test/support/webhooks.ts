import { FastifyInstance } from 'fastify';
import { IncomingHttpHeaders, createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { Database, openDatabase } from '../../src/database/data-source';
import { buildApp } from '../../src/http/app';
import { ServiceSettings, Services, createServices } from '../../src/services';
import { ManualClock } from '../../src/services/clock';
import { TEST_SETTINGS } from './harness';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP receiver on loopback (port 0) answering with the statuses queued, then 200. */
export class Receiver {
  readonly received: Received[] = [];
  private readonly statuses: Array<number | { status: number; location: string }> = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<Receiver> {
    let receiver: Receiver | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        receiver!.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const next = receiver!.statuses.shift() ?? 200;
        if (typeof next === 'number') res.writeHead(next).end('ok');
        else res.writeHead(next.status, { location: next.location }).end();
      });
    });
    receiver = new Receiver(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  /** The next requests get these answers (then 200). */
  answer(...statuses: Array<number | { status: number; location: string }>): void {
    this.statuses.push(...statuses);
  }

  bodies(): Array<{ id: string; type: string; createdAt: string; data: any }> {
    return this.received.map((r) => JSON.parse(r.body));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * Verifies a received POST with the `standardwebhooks` package as a partner would; the library
 * checks the timestamp against its own now, which is set to `at` (the test clock) meanwhile.
 */
export function verifyWith(secret: string, received: Received, at: Date): unknown {
  const realNow = Date.now;
  Date.now = () => at.getTime();
  try {
    return new Webhook(secret).verify(received.body, received.headers as Record<string, string>);
  } finally {
    Date.now = realNow;
  }
}

/** An API instance on a given database (for restarts and second instances). */
export interface Instance {
  db: Database;
  services: Services;
  app: FastifyInstance;
  close(): Promise<void>;
}

export async function openInstance(
  where: { url: string | undefined; sqliteFile?: string },
  clock: ManualClock,
  settings: Partial<ServiceSettings> = {},
): Promise<Instance> {
  const db = await openDatabase({ url: where.url, sqliteFile: where.sqliteFile, poolSize: 10 });
  const services = createServices(db, clock, { ...TEST_SETTINGS, allowInsecureWebhooks: true, ...settings });
  const app = await buildApp({ services, production: false, introspection: true, requestTimeoutMs: 10_000, bodyLimitBytes: 1_048_576, logger: false });
  return {
    db,
    services,
    app,
    close: async () => {
      await app.close();
      await services.webhookDelivery.idle();
      await db.close();
    },
  };
}

/** POSTs GraphQL to an instance; fails unless there is data without errors. */
export async function gqlOk<T = any>(app: FastifyInstance, key: string, query: string, variables?: Record<string, unknown>): Promise<T> {
  const response = await app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    payload: JSON.stringify({ query, variables }),
  });
  const body = response.json();
  if (response.statusCode !== 200 || body.errors) throw new Error(`expected success, got ${response.statusCode}: ${JSON.stringify(body)}`);
  return body.data;
}

export const CREATE_ENDPOINT = `mutation($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { webhookEndpoint { id url events } secret userErrors { field code message } }
}`;

/**
 * Gives up every delivery still pending, so a test's leftovers (a receiver that is closed now)
 * are not attempted by the next test's `deliverDue()`: tests stay independent of their order.
 */
export async function settleDeliveries(db: Database): Promise<void> {
  await db.dataSource.query(`UPDATE webhook_deliveries SET status = 'FAILED', next_attempt_at = NULL WHERE status = 'PENDING'`);
}
