import { In } from 'typeorm';
import { Database } from '../../database/data-source';
import { AccountEntity, SupportRequestEntity } from '../../entities';
import { SupportRequestStatus } from '../../entities/enums';
import { CustomerService } from '../customers/customer.service';
import { Page, PageArgs, cursorValues, encodeCursor, resolvePage, toPage, readKeysetRows } from '../pagination';
import { Principal, tenantOf } from '../principal';

/** Names the list a cursor was made for, so a cursor of another list (customers: 'CREATED_AT:DESC') is refused. */
const ORDERING = 'SUPPORT_REQUESTS:CREATED_AT:DESC';

/** A request with its customer as the caller may see it: null for an MSP once the customer was removed. */
export interface SupportRequestView {
  request: SupportRequestEntity;
  customer: AccountEntity | null;
}

export interface SupportRequestPage extends Page<SupportRequestView> {
  totalCount(): Promise<number>;
}

/** Support requests as the caller may see them: listed newest first, or found by id. */
export class SupportRequestListService {
  constructor(
    private readonly db: Database,
    private readonly customers: CustomerService,
  ) {}

  /**
   * Requests newest first (ties by id), of one MSP or, for staff with `mspId` null, of every MSP;
   * optionally only those in one status.
   */
  async list(principal: Principal, mspId: number | null, status: SupportRequestStatus | null | undefined, args: PageArgs): Promise<SupportRequestPage> {
    const tenant = tenantOf(principal);
    if (tenant !== null && mspId !== tenant) throw new Error("an MSP principal lists only its own MSP's support requests");
    const request = resolvePage(args, ORDERING, cursorValues.instant);
    const base = () => {
      const query = this.db.manager.createQueryBuilder(SupportRequestEntity, 'r');
      if (mspId !== null) query.andWhere('r.msp_id = :mspId', { mspId });
      if (status) query.andWhere('r.status = :status', { status });
      return query;
    };
    const rows = await readKeysetRows(base(), request, { column: 'r.created_at', id: 'r.id', direction: 'DESC', instant: true });
    const customers = await this.visibleCustomers(principal, rows.map((r) => r.customerId));
    const views = rows.map((r) => ({ request: r, customer: customers.get(r.customerId) ?? null }));
    let counted: Promise<number> | undefined;
    return {
      ...toPage(views, request, (v) => encodeCursor(ORDERING, { value: v.request.createdAt.toISOString(), id: v.request.id })),
      totalCount: () => (counted ??= base().getCount()),
    };
  }

  /** Requests by row id within the caller's tenant (for `node`); missing ids are absent from the map. */
  async findByIds(principal: Principal, ids: readonly number[]): Promise<Map<number, SupportRequestView>> {
    if (ids.length === 0) return new Map();
    const query = this.db.manager.createQueryBuilder(SupportRequestEntity, 'r').where({ id: In([...ids]) });
    const tenant = tenantOf(principal);
    if (tenant !== null) query.andWhere('r.msp_id = :tenant', { tenant });
    const rows = await query.getMany();
    const customers = await this.visibleCustomers(principal, rows.map((r) => r.customerId));
    return new Map(rows.map((r) => [r.id, { request: r, customer: customers.get(r.customerId) ?? null }]));
  }

  /** The customers a request list shows: staff see removed ones too, an MSP only its current ones. */
  private async visibleCustomers(principal: Principal, ids: number[]): Promise<Map<number, AccountEntity>> {
    return ids.length === 0 ? new Map() : this.customers.findByIds(principal, [...new Set(ids)]);
  }
}
