import { EntityManager, In } from 'typeorm';
import { Database } from '../../database/data-source';
import { WebhookAttemptEntity, WebhookDeliveryEntity, WebhookDeliveryStatus, WebhookEndpointEntity, WebhookEventEntity } from '../../entities';
import { AuditAction, AuditService } from '../audit.service';
import { Clock, DAY_MS } from '../clock';
import { Outcome, UserError, UserErrorCode, UserErrorsAbort, failure, runOutcome, userError } from '../errors';
import { rowIdOf, toGlobalId } from '../global-id';
import { Page, PageArgs, cursorValues, encodeCursor, readKeysetRows, resolvePage, toPage } from '../pagination';
import { Principal, requireMspId, tenantOf } from '../principal';
import { WebhookEventService } from './webhook-event.service';
import { WebhookEventType } from './webhook-event-type';
import { newSigningSecret } from './webhook-signature';
import { UrlPolicy, checkWebhookUrl } from './webhook-url';

export const ENDPOINTS_MAX = 10;
/** How long a rotated-out secret keeps signing alongside the new one. */
export const ROTATION_OVERLAP_MS = DAY_MS;
const ENDPOINT_ORDERING = 'WEBHOOK_ENDPOINTS:CREATED_AT:DESC';
const DELIVERY_ORDERING = 'WEBHOOK_DELIVERIES:ID:DESC';

export interface CreateWebhookEndpointInput {
  url: string;
  events: WebhookEventType[];
}

export interface UpdateWebhookEndpointInput {
  id: string;
  url?: string | null;
  events?: WebhookEventType[] | null;
}

export interface EndpointWithSecret {
  endpoint: WebhookEndpointEntity;
  /** The new signing secret: in this result only. */
  secret: string;
}

export interface CountedPage<T> extends Page<T> {
  totalCount(): Promise<number>;
}

const endpointNotFound = () => userError('id', UserErrorCode.NOT_FOUND, 'No webhook endpoint with this id.');

/** The events list as stored: known, subscribable, without repeats. */
function checkEvents(events: readonly WebhookEventType[]): string | UserError {
  const unique = [...new Set(events)];
  if (unique.length === 0 || unique.includes(WebhookEventType.WEBHOOK_TEST) || !unique.every((e) => Object.values(WebhookEventType).includes(e))) {
    return userError('events', UserErrorCode.INVALID_EVENTS, 'Name at least one event type; WEBHOOK_TEST is sent to every endpoint and cannot be subscribed to.');
  }
  return unique.join(',');
}

/** An MSP's webhook endpoints: managing them (MSP_ADMIN), their deliveries, tests and redeliveries. */
export class WebhookEndpointService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly events: WebhookEventService,
    private readonly urlPolicy: UrlPolicy,
  ) {}

  private async checkUrl(raw: string): Promise<string | UserError> {
    const checked = await checkWebhookUrl(raw.trim(), this.urlPolicy);
    return checked.ok ? checked.url.toString() : userError('url', UserErrorCode.INVALID_URL, checked.reason);
  }

  /**
   * Subscribes a URL to event types. The URL must be https:// and lead to public addresses only
   * (http:// and loopback when ALLOW_INSECURE_WEBHOOKS is on). The secret is in the result only.
   * User errors: INVALID_URL, INVALID_EVENTS, WEBHOOK_ENDPOINT_LIMIT.
   */
  async create(principal: Principal, input: CreateWebhookEndpointInput): Promise<Outcome<EndpointWithSecret>> {
    const mspId = requireMspId(principal, 'createWebhookEndpoint');
    const url = await this.checkUrl(input.url);
    const events = checkEvents(input.events);
    const invalid = [url, events].filter((v): v is UserError => typeof v !== 'string');
    if (invalid.length > 0 || typeof url !== 'string' || typeof events !== 'string') return failure(...invalid);
    return runOutcome(() =>
      this.db.transaction(async (manager) => {
        if ((await manager.count(WebhookEndpointEntity, { where: { mspId } })) >= ENDPOINTS_MAX) {
          throw new UserErrorsAbort([userError('url', UserErrorCode.WEBHOOK_ENDPOINT_LIMIT, `An MSP can have at most ${ENDPOINTS_MAX} webhook endpoints.`)]);
        }
        const now = this.clock.now();
        const secret = newSigningSecret();
        const endpoint = Object.assign(new WebhookEndpointEntity(), {
          mspId, url, events, secret, previousSecret: null, previousSecretExpiresAt: null, createdAt: now, updatedAt: now,
        });
        endpoint.id = Number((await manager.insert(WebhookEndpointEntity, endpoint)).identifiers[0].id);
        await this.record(manager, principal, AuditAction.WEBHOOK_ENDPOINT_CREATED, endpoint, { url, events: events.split(',') });
        return { endpoint, secret };
      }),
    );
  }

  /** Changes an endpoint's URL and/or events. User errors: NOT_FOUND, INVALID_URL, INVALID_EVENTS, NOTHING_TO_UPDATE. */
  async update(principal: Principal, input: UpdateWebhookEndpointInput): Promise<Outcome<WebhookEndpointEntity>> {
    if (input.url == null && input.events == null) {
      return failure(userError('id', UserErrorCode.NOTHING_TO_UPDATE, 'Pass a new url or events.'));
    }
    const url = input.url == null ? null : await this.checkUrl(input.url);
    const events = input.events == null ? null : checkEvents(input.events);
    const invalid = [url, events].filter((v): v is UserError => v !== null && typeof v !== 'string');
    if (invalid.length > 0) return failure(...invalid);
    return this.onEndpoint(principal, input.id, async (manager, endpoint) => {
      const values = { ...(url !== null ? { url: url as string } : {}), ...(events !== null ? { events: events as string } : {}), updatedAt: this.clock.now() };
      await manager.update(WebhookEndpointEntity, { id: endpoint.id }, values);
      const after = Object.assign(endpoint, values);
      await this.record(manager, principal, AuditAction.WEBHOOK_ENDPOINT_UPDATED, after, { url: after.url, events: after.events.split(',') });
      return after;
    });
  }

  /** Deletes an endpoint with its deliveries (pending ones are not sent). User errors: NOT_FOUND. */
  async delete(principal: Principal, id: string): Promise<Outcome<WebhookEndpointEntity>> {
    return this.onEndpoint(principal, id, async (manager, endpoint) => {
      const deliveries = (await manager.find(WebhookDeliveryEntity, { select: { id: true }, where: { endpointId: endpoint.id } })).map((d) => d.id);
      if (deliveries.length > 0) {
        await manager.delete(WebhookAttemptEntity, { deliveryId: In(deliveries) });
        await manager.delete(WebhookDeliveryEntity, { id: In(deliveries) });
      }
      await manager.delete(WebhookEndpointEntity, { id: endpoint.id });
      await this.record(manager, principal, AuditAction.WEBHOOK_ENDPOINT_DELETED, endpoint, { url: endpoint.url });
      return endpoint;
    });
  }

  /**
   * Replaces the signing secret; the old one keeps signing alongside for 24 h (two `v1,`
   * signatures), so receivers can switch without losing events. User errors: NOT_FOUND.
   */
  async rotateSecret(principal: Principal, id: string): Promise<Outcome<EndpointWithSecret>> {
    return this.onEndpoint(principal, id, async (manager, endpoint) => {
      const now = this.clock.now();
      const secret = newSigningSecret();
      const values = { secret, previousSecret: endpoint.secret, previousSecretExpiresAt: new Date(now.getTime() + ROTATION_OVERLAP_MS), updatedAt: now };
      await manager.update(WebhookEndpointEntity, { id: endpoint.id }, values);
      const after = Object.assign(endpoint, values);
      await this.record(manager, principal, AuditAction.WEBHOOK_SECRET_ROTATED, after, { previousSecretExpiresAt: values.previousSecretExpiresAt.toISOString() });
      return { endpoint: after, secret };
    });
  }

  /** Queues a `webhook.test` event for this endpoint alone. User errors: NOT_FOUND. */
  async sendTest(principal: Principal, id: string): Promise<Outcome<{ endpoint: WebhookEndpointEntity; event: WebhookEventEntity }>> {
    return this.onEndpoint(principal, id, async (manager, endpoint) => {
      const data = { webhookEndpoint: { id: toGlobalId('WebhookEndpoint', endpoint.id), url: endpoint.url } };
      const event = await this.events.emit(manager, endpoint.mspId, WebhookEventType.WEBHOOK_TEST, data, endpoint.id);
      await this.record(manager, principal, AuditAction.WEBHOOK_TEST_SENT, endpoint, {});
      return { endpoint, event: event as WebhookEventEntity };
    });
  }

  /**
   * Queues a delivery's event again for its endpoint as a new delivery (same `webhook-id`, so a
   * receiver that already has it can drop it). User errors: NOT_FOUND.
   */
  async redeliver(principal: Principal, deliveryId: string): Promise<Outcome<WebhookDeliveryEntity>> {
    const id = rowIdOf(deliveryId, 'WebhookDelivery');
    const notFound = () => userError('deliveryId', UserErrorCode.NOT_FOUND, 'No webhook delivery with this id.');
    if (id === null) return failure(notFound());
    const tenant = tenantOf(principal);
    return runOutcome(() =>
      this.db.transaction(async (manager) => {
        const delivery = await manager.findOne(WebhookDeliveryEntity, { where: { id } });
        const endpoint = delivery && (await manager.findOne(WebhookEndpointEntity, { where: { id: delivery.endpointId } }));
        if (!delivery || !endpoint || (tenant !== null && endpoint.mspId !== tenant)) throw new UserErrorsAbort([notFound()]);
        const again = await this.events.queue(manager, delivery.eventId, endpoint.id, this.clock.now());
        await this.record(manager, principal, AuditAction.WEBHOOK_REDELIVERED, endpoint, { delivery: deliveryId });
        return again;
      }),
    );
  }

  /** One page of an MSP's endpoints, newest first. */
  async listPage(mspId: number, args: PageArgs): Promise<CountedPage<WebhookEndpointEntity>> {
    const request = resolvePage(args, ENDPOINT_ORDERING, cursorValues.instant);
    const query = this.db.manager.createQueryBuilder(WebhookEndpointEntity, 'w').where('w.msp_id = :mspId', { mspId });
    const rows = await readKeysetRows(query, request, { column: 'w.created_at', id: 'w.id', direction: 'DESC', instant: true });
    const page = toPage(rows, request, (row) => encodeCursor(ENDPOINT_ORDERING, { value: row.createdAt.toISOString(), id: row.id }));
    let counted: Promise<number> | undefined;
    return { ...page, totalCount: () => (counted ??= this.db.manager.count(WebhookEndpointEntity, { where: { mspId } })) };
  }

  /** An endpoint the caller may see (its own MSP's; staff: any), or null. */
  async findVisible(principal: Principal, id: number): Promise<WebhookEndpointEntity | null> {
    const endpoint = await this.db.manager.findOne(WebhookEndpointEntity, { where: { id } });
    const tenant = tenantOf(principal);
    return endpoint && (tenant === null || endpoint.mspId === tenant) ? endpoint : null;
  }

  /** One page of an endpoint's deliveries, newest first, optionally of one status. */
  async deliveriesPage(endpointId: number, args: PageArgs, status: WebhookDeliveryStatus | null | undefined): Promise<CountedPage<WebhookDeliveryEntity>> {
    const request = resolvePage(args, DELIVERY_ORDERING, cursorValues.count);
    const build = () => {
      const query = this.db.manager.createQueryBuilder(WebhookDeliveryEntity, 'd').where('d.endpoint_id = :endpointId', { endpointId });
      if (status) query.andWhere('d.status = :status', { status });
      return query;
    };
    const rows = await readKeysetRows(build(), request, { column: 'd.id', id: 'd.id', direction: 'DESC' });
    const page = toPage(rows, request, (row) => encodeCursor(DELIVERY_ORDERING, { value: row.id, id: row.id }));
    let counted: Promise<number> | undefined;
    return { ...page, totalCount: () => (counted ??= build().getCount()) };
  }

  /** Each delivery's attempts, oldest first. */
  async attemptsOf(deliveryIds: readonly number[]): Promise<Map<number, WebhookAttemptEntity[]>> {
    const result = new Map<number, WebhookAttemptEntity[]>(deliveryIds.map((id) => [id, []]));
    if (deliveryIds.length === 0) return result;
    const rows = await this.db.manager.find(WebhookAttemptEntity, { where: { deliveryId: In([...deliveryIds]) }, order: { id: 'ASC' } });
    for (const row of rows) result.get(row.deliveryId)?.push(row);
    return result;
  }

  /** Events by row id (the deliveries' events). */
  async eventsByIds(ids: readonly number[]): Promise<Map<number, WebhookEventEntity>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.manager.find(WebhookEventEntity, { where: { id: In([...ids]) } });
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** Finds the caller's endpoint by global id and runs `work` on it in one transaction; NOT_FOUND for another MSP's. */
  private onEndpoint<T>(principal: Principal, id: string, work: (manager: EntityManager, endpoint: WebhookEndpointEntity) => Promise<T>): Promise<Outcome<T>> {
    const rowId = rowIdOf(id, 'WebhookEndpoint');
    const tenant = tenantOf(principal);
    return runOutcome(() =>
      this.db.transaction(async (manager) => {
        const endpoint = rowId === null ? null : await manager.findOne(WebhookEndpointEntity, { where: { id: rowId } });
        if (!endpoint || (tenant !== null && endpoint.mspId !== tenant)) throw new UserErrorsAbort([endpointNotFound()]);
        return work(manager, endpoint);
      }),
    );
  }

  private record(manager: EntityManager, principal: Principal, action: AuditAction, endpoint: WebhookEndpointEntity, details: Record<string, unknown>) {
    return this.audit.record(manager, principal, { action, mspId: endpoint.mspId, target: toGlobalId('WebhookEndpoint', endpoint.id), details });
  }
}
