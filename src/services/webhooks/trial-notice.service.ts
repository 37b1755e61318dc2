import { Database } from '../../database/data-source';
import { AccountEntity, AccountKind, TrialNoticeEntity } from '../../entities';
import { Clock, DAY_MS } from '../clock';
import { RollupService } from '../subscription/rollup.service';
import { SqlFragment, trialEndedBetween, trialEndedBetweenSql } from '../subscription/subscription-rule';
import { WebhookEventService, customerData } from './webhook-event.service';
import { WebhookEventType } from './webhook-event-type';

/** `trial.expiring` goes out this long before a trial ends. */
export const EXPIRING_NOTICE_MS = 3 * DAY_MS;
/**
 * How far back `trial.expired` looks for ends it has not reported (a server that was down);
 * trials that ended before that stay unreported rather than flooding receivers on first start.
 */
export const EXPIRED_LOOKBACK_MS = 7 * DAY_MS;
const BATCH = 200;

interface Candidate {
  id: number;
  mspId: number;
}

/**
 * The trial scheduler: emits `trial.expiring` once a trial's end is within 3 days and
 * `trial.expired` once it has passed, once per (customer, trial end): the unique notice row is
 * the claim, so with several instances exactly one emits, and an extension (a new end) emits
 * again. Which trials qualify is the subscription rule's `trialEndedBetween`, in SQL to find them
 * and in TypeScript to re-check each under its MSP's lock.
 */
export class TrialNoticeService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly rollups: RollupService,
    private readonly events: WebhookEventService,
  ) {}

  /** Emits every notice due now; returns how many. */
  async run(): Promise<number> {
    const now = this.clock.now();
    const soon = new Date(now.getTime() + EXPIRING_NOTICE_MS);
    const since = new Date(now.getTime() - EXPIRED_LOOKBACK_MS);
    const expiring = await this.emitAll(WebhookEventType.TRIAL_EXPIRING, now, soon);
    const expired = await this.emitAll(WebhookEventType.TRIAL_EXPIRED, since, now);
    return expiring + expired;
  }

  /** Notices of `kind` for the trials that end in (from, to] and have none for their current end. */
  private async emitAll(kind: WebhookEventType.TRIAL_EXPIRING | WebhookEventType.TRIAL_EXPIRED, from: Date, to: Date): Promise<number> {
    let emitted = 0;
    for (const candidate of await this.candidates(kind, trialEndedBetweenSql(from, to))) {
      if (await this.emitOne(kind, candidate, from, to)) emitted++;
    }
    return emitted;
  }

  private candidates(kind: string, ended: SqlFragment): Promise<Candidate[]> {
    return this.db.manager
      .createQueryBuilder(AccountEntity, 'a')
      .select(['a.id AS id', 'a.msp_id AS mspId'])
      .where('a.kind = :customer AND a.msp_id IS NOT NULL AND a.removed_at IS NULL', { customer: AccountKind.CUSTOMER })
      .andWhere(ended.sql, ended.parameters)
      .andWhere('NOT EXISTS (SELECT 1 FROM trial_notices n WHERE n.account_id = a.id AND n.kind = :kind AND n.trial_ends_at = a.trial_ends_at)', { kind })
      .limit(BATCH)
      .getRawMany<{ id: number; mspId: number }>()
      .then((rows) => rows.map((r) => ({ id: Number(r.id), mspId: Number(r.mspId) })));
  }

  /** Claims one notice and emits its event in one transaction; false when another instance has it or the trial changed. */
  private async emitOne(kind: WebhookEventType, candidate: Candidate, from: Date, to: Date): Promise<boolean> {
    try {
      return await this.db.transaction(async (manager) => {
        await this.rollups.lock(manager, candidate.mspId);
        const customer = await manager.findOne(AccountEntity, { where: { id: candidate.id } });
        if (!customer || customer.removedAt || !customer.trialEndsAt || !trialEndedBetween(customer, from, to)) return false;
        const claimed = await manager.findOne(TrialNoticeEntity, { where: { accountId: customer.id, kind, trialEndsAt: customer.trialEndsAt } });
        if (claimed) return false;
        await manager.insert(TrialNoticeEntity, { accountId: customer.id, kind, trialEndsAt: customer.trialEndsAt, createdAt: this.clock.now() });
        await this.events.emit(manager, customer.mspId, kind, { customer: customerData(customer, this.clock.now()), trialEndsAt: customer.trialEndsAt.toISOString() });
        return true;
      });
    } catch (error) {
      if (this.db.uniqueViolation(error) === 'UQ_trial_notices_account_kind_end') return false;
      throw error;
    }
  }
}
