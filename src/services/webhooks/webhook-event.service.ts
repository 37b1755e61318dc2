import { EntityManager, In } from 'typeorm';
import { Database } from '../../database/data-source';
import { insertRows } from '../../database/insert';
import { select } from '../../database/select';
import { AccountEntity, MonitoredUserEntity, WebhookAttemptEntity, WebhookDeliveryEntity, WebhookDeliveryStatus, WebhookEventEntity } from '../../entities';
import { Clock, DAY_MS } from '../clock';
import { toGlobalId } from '../global-id';
import { Page, PageArgs, encodeCursor, readKeysetRows, resolvePage, toPage, cursorValues } from '../pagination';
import { subscriptionState } from '../subscription/subscription-rule';
import { WebhookEventType } from './webhook-event-type';
import { newMessageId } from './webhook-signature';

/** How long events stay listed in `Msp.events` (and their deliveries kept). */
export const EVENT_RETENTION_DAYS = 30;
/** A delivery is retried for this long after it was created, then marked FAILED. */
export const RETRY_WINDOW_MS = DAY_MS;
const ORDERING = 'WEBHOOK_EVENTS:ID:ASC';
const PURGE_BATCH = 500;

/** The customer as every customer event's `data.customer` shows it. */
export function customerData(customer: AccountEntity, now: Date): Record<string, unknown> {
  return {
    id: toGlobalId('CustomerAccount', customer.accountNumber),
    accountNumber: customer.accountNumber,
    organizationName: customer.name,
    externalId: customer.externalId,
    state: subscriptionState(customer, now),
    trialEndsAt: customer.plan === 'TRIAL' ? (customer.trialEndsAt?.toISOString() ?? null) : null,
    licensedSeats: customer.licensedSeats,
  };
}

/** The monitored user as `monitored_user.*` events show it. */
export function monitoredUserData(user: MonitoredUserEntity): Record<string, unknown> {
  return { id: toGlobalId('MonitoredUser', user.id), identity: user.identity, displayName: user.displayName };
}

export interface EventPage extends Page<WebhookEventEntity> {
  totalCount(): Promise<number>;
}

/**
 * The event outbox: `emit` writes an event and one delivery per subscribed endpoint in the
 * caller's transaction, so an event exists exactly when its change does (never lost, never sent
 * for a change that rolled back); the delivery worker sends them after the commit.
 */
export class WebhookEventService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /**
   * Records an event of an MSP and queues it for each endpoint subscribed to its type
   * (`onlyEndpointId`: for that endpoint alone, whatever it subscribes to: the test event).
   * `subscribers`: the endpoints read beforehand (`subscribersOf`), so that a change can read
   * them before it takes the MSP's lock and hold the lock for the writes only.
   */
  async emit(
    manager: EntityManager,
    mspId: number | null,
    type: WebhookEventType,
    data: Record<string, unknown>,
    onlyEndpointId?: number,
    subscribers?: readonly number[],
  ): Promise<WebhookEventEntity | null> {
    if (mspId === null) return null;
    const now = this.clock.now();
    const event = Object.assign(new WebhookEventEntity(), { messageId: newMessageId(), mspId, type, data: JSON.stringify(data), createdAt: now });
    event.id = await insertRows(manager, WebhookEventEntity, [event]);
    const subscribed = subscribers ?? (await this.subscribersOf(mspId, type, onlyEndpointId));
    // One multi-row insert for every subscribed endpoint, inside the change's transaction.
    if (subscribed.length > 0) await insertRows(manager, WebhookDeliveryEntity, subscribed.map((endpointId) => newDelivery(event.id, endpointId, now)));
    return event;
  }

  /** The ids of the MSP's endpoints an event of `type` goes to (`onlyEndpointId`: that one, whatever it subscribes to). */
  async subscribersOf(mspId: number, type: WebhookEventType, onlyEndpointId?: number): Promise<number[]> {
    // Only what the fan-out needs of the endpoints: ids and subscriptions.
    const endpoints = await select<{ id: number; events: string }>(
      this.db,
      `SELECT e.id AS id, e.events AS events FROM webhook_endpoints e WHERE e.msp_id = :mspId${onlyEndpointId === undefined ? '' : ' AND e.id = :endpointId'}`,
      onlyEndpointId === undefined ? { mspId } : { mspId, endpointId: onlyEndpointId },
    );
    return endpoints.filter((e) => onlyEndpointId !== undefined || e.events.split(',').includes(type)).map((e) => Number(e.id));
  }

  /** A new delivery of an event to an endpoint, due now. */
  async queue(manager: EntityManager, eventId: number, endpointId: number, now: Date): Promise<WebhookDeliveryEntity> {
    const delivery = newDelivery(eventId, endpointId, now);
    delivery.id = Number((await manager.insert(WebhookDeliveryEntity, delivery)).identifiers[0].id);
    return delivery;
  }

  /** The MSP's events of the last 30 days, oldest first (a partner catching up pages forward), optionally of some types. */
  async listPage(mspId: number, args: PageArgs, types: readonly WebhookEventType[] | null | undefined): Promise<EventPage> {
    const request = resolvePage(args, ORDERING, cursorValues.count);
    const since = new Date(this.clock.now().getTime() - EVENT_RETENTION_DAYS * DAY_MS);
    const build = () => {
      const query = this.db.manager
        .createQueryBuilder(WebhookEventEntity, 'e')
        .where('e.msp_id = :mspId AND e.created_at > :since', { mspId, since });
      if (types && types.length > 0) query.andWhere('e.type IN (:...types)', { types: [...types] });
      return query;
    };
    const rows = await readKeysetRows(build(), request, { column: 'e.id', id: 'e.id', direction: 'ASC' });
    const page = toPage(rows, request, (row) => encodeCursor(ORDERING, { value: row.id, id: row.id }));
    let counted: Promise<number> | undefined;
    return { ...page, totalCount: () => (counted ??= build().getCount()) };
  }

  /** Events by row id, of one MSP. */
  async findByIds(mspId: number, ids: readonly number[]): Promise<Map<number, WebhookEventEntity>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.manager.find(WebhookEventEntity, { where: { id: In([...ids]), mspId } });
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** Deletes events older than the retention period with their deliveries and attempts; returns how many events. */
  async purgeExpired(): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - EVENT_RETENTION_DAYS * DAY_MS);
    let purged = 0;
    for (;;) {
      const batch = await this.db.transaction(async (manager) => {
        const events = await manager
          .createQueryBuilder(WebhookEventEntity, 'e')
          .select('e.id', 'id')
          .where('e.created_at <= :cutoff', { cutoff })
          .orderBy('e.created_at', 'ASC')
          .limit(PURGE_BATCH)
          .getRawMany<{ id: number }>();
        const ids = events.map((e) => Number(e.id));
        if (ids.length === 0) return 0;
        const deliveries = (await manager.find(WebhookDeliveryEntity, { select: { id: true }, where: { eventId: In(ids) } })).map((d) => d.id);
        if (deliveries.length > 0) {
          await manager.delete(WebhookAttemptEntity, { deliveryId: In(deliveries) });
          await manager.delete(WebhookDeliveryEntity, { id: In(deliveries) });
        }
        await manager.delete(WebhookEventEntity, { id: In(ids) });
        return ids.length;
      });
      purged += batch;
      if (batch < PURGE_BATCH) return purged;
    }
  }
}

/** A pending delivery of an event to an endpoint, due now and retried for RETRY_WINDOW_MS. */
function newDelivery(eventId: number, endpointId: number, now: Date): WebhookDeliveryEntity {
  return Object.assign(new WebhookDeliveryEntity(), {
    eventId,
    endpointId,
    status: WebhookDeliveryStatus.PENDING,
    attempts: 0,
    nextAttemptAt: now,
    retryUntil: new Date(now.getTime() + RETRY_WINDOW_MS),
    createdAt: now,
    completedAt: null,
  });
}
