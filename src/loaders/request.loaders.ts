import DataLoader from 'dataloader';
import { In } from 'typeorm';
import { AccountEntity, AccountKind, MonitoredUserEntity } from '../entities';
import { Services } from '../services';
import { Principal, tenantOf } from '../services/principal';
import { FirstPage, FirstPageKey } from '../services/customers/monitored-user.service';
import { MspTotals } from '../services/subscription/rollup.service';

/** Batches and caches reads for one request; the caller's tenant is part of every batch query. */
export interface Loaders {
  /** MSPs the caller may see, by row id. */
  msp: DataLoader<number, AccountEntity | null>;
  mspByAccountNumber: DataLoader<string, AccountEntity | null>;
  /** Current customers the caller may see, by row id. */
  customer: DataLoader<number, AccountEntity | null>;
  customerByAccountNumber: DataLoader<string, AccountEntity | null>;
  monitoredUser: DataLoader<number, { user: MonitoredUserEntity; mspId: number } | null>;
  /** Per MSP: totals by subscription state. */
  totals: DataLoader<number, MspTotals>;
  /** Per Freemium customer: the ids of the users it keeps monitoring. */
  freemiumMonitoredIds: DataLoader<number, Set<number>>;
  /** The first pages of users a page of customers asks for: one read per page size. */
  monitoredUserFirstPage: DataLoader<FirstPageKey, FirstPage, string>;
}

/**
 * A request's loaders; the caller's own MSP (read with the key) is primed so that the dashboard
 * does not read it again. Built at the start of each request and again at the start of each root
 * mutation field (see `freshLoadersPerMutation`).
 */
export function createLoaders(services: Services, principal: Principal, principalMsp: AccountEntity | null): Loaders {
  const tenant = tenantOf(principal);
  const visibleMsps = async (where: { id?: number[]; accountNumber?: string[] }) => {
    const query = services.db.manager.createQueryBuilder(AccountEntity, 'a').where({ kind: AccountKind.MSP });
    if (where.id) query.andWhere({ id: In(where.id) });
    if (where.accountNumber) query.andWhere({ accountNumber: In(where.accountNumber) });
    if (tenant !== null) query.andWhere('a.id = :tenant', { tenant });
    return query.getMany();
  };
  const loaders: Loaders = {
    msp: new DataLoader(async (ids) => {
      const rows = new Map((await visibleMsps({ id: [...ids] })).map((a) => [a.id, a]));
      return ids.map((id) => rows.get(id) ?? null);
    }),
    mspByAccountNumber: new DataLoader(async (numbers) => {
      const rows = new Map((await visibleMsps({ accountNumber: [...numbers] })).map((a) => [a.accountNumber, a]));
      return numbers.map((n) => rows.get(n) ?? null);
    }),
    customer: new DataLoader(async (ids) => {
      const rows = await services.customers.findByIds(principal, ids);
      return ids.map((id) => rows.get(id) ?? null);
    }),
    customerByAccountNumber: new DataLoader(async (numbers) => {
      const rows = await services.customers.findByAccountNumbers(principal, numbers);
      return numbers.map((n) => rows.get(n) ?? null);
    }),
    monitoredUser: new DataLoader(async (ids) => {
      const rows = await services.monitoredUsers.findByIds(principal, ids);
      return ids.map((id) => rows.get(id) ?? null);
    }),
    totals: new DataLoader(async (mspIds) => {
      const totals = await services.rollups.totals(mspIds);
      return mspIds.map((id) => totals.get(id) ?? new Error(`no totals for MSP ${id}`));
    }),
    freemiumMonitoredIds: new DataLoader(async (accountIds) => {
      const ids = await services.monitoredUsers.freemiumMonitoredIds(accountIds);
      return accountIds.map((id) => ids.get(id) ?? new Set<number>());
    }),
    monitoredUserFirstPage: new DataLoader(
      async (keys) => {
        const pages = new Map<number | null, Map<number, FirstPage> | Error>();
        for (const size of new Set(keys.map((k) => k.first ?? null))) {
          const ids = keys.filter((k) => (k.first ?? null) === size).map((k) => k.accountId);
          pages.set(size, await services.monitoredUsers.firstPages(ids, size).catch((error: Error) => error));
        }
        return keys.map((k) => {
          const found = pages.get(k.first ?? null);
          return found instanceof Error ? found : (found?.get(k.accountId) ?? new Error(`no users page for account ${k.accountId}`));
        });
      },
      { cacheKeyFn: (k) => `${k.first ?? ''}:${k.accountId}` },
    ),
  };
  if (principalMsp) loaders.msp.prime(principalMsp.id, principalMsp);
  return loaders;
}
