import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { getEntities } from '../database/raw-entities';
import { AppError } from './errors';

export const PAGE_SIZE_DEFAULT = 20;
export const PAGE_SIZE_MAX = 100;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** A resolved page request: how many rows, from which keyset position, in which direction. */
export interface PageRequest {
  limit: number;
  /** The cursor's position, decoded; null from the start (or the end, when backward). */
  position: CursorPosition | null;
  /** True for last/before: rows are read in reverse order and flipped back. */
  backward: boolean;
}

/** A keyset position: the sort key's value and the id that breaks ties. */
export interface CursorPosition {
  value: string | number | null;
  id: number;
}

function checkSize(name: string, size: number): number {
  if (!Number.isInteger(size) || size < 1 || size > PAGE_SIZE_MAX) {
    throw new AppError('BAD_USER_INPUT', `\`${name}\` must be from 1 to ${PAGE_SIZE_MAX}.`);
  }
  return size;
}

/** What a cursor's sort value may be, per kind of sort key; a forged value is a malformed cursor. */
export type CursorValueCheck = (value: string | number | null) => boolean;

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export const cursorValues = {
  text: (value) => typeof value === 'string',
  count: (value) => typeof value === 'number' && Number.isSafeInteger(value),
  /** A Date as `toISOString()` wrote it. */
  instant: (value) => typeof value === 'string' && ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value)),
} satisfies Record<string, CursorValueCheck>;

/**
 * Checks Relay arguments: `first` with `after`, or `last` with `before`; 1 to 100, default 20.
 * `ordering` names the sort a cursor was made for, so a cursor from another order is refused;
 * `accepts` checks the cursor's sort value (a forged one must not reach the SQL).
 */
export function resolvePage(args: PageArgs, ordering: string, accepts?: CursorValueCheck): PageRequest {
  const { first, after, last, before } = args;
  if (first != null && last != null) {
    throw new AppError('BAD_USER_INPUT', 'Pass `first` or `last`, not both.');
  }
  if ((first != null && before != null) || (last != null && after != null) || (after != null && before != null)) {
    throw new AppError('BAD_USER_INPUT', 'Use `first` with `after`, or `last` with `before`.');
  }
  const backward = last != null || before != null;
  const limit = checkSize(backward ? 'last' : 'first', (backward ? last : first) ?? PAGE_SIZE_DEFAULT);
  const cursor = backward ? before : after;
  return { limit, backward, position: cursor == null ? null : decodeCursor(cursor, ordering, accepts) };
}

export function encodeCursor(ordering: string, position: CursorPosition): string {
  return Buffer.from(JSON.stringify([ordering, position.value, position.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, ordering: string, accepts?: CursorValueCheck): CursorPosition {
  try {
    const [kind, value, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const valueOk = (value === null || typeof value === 'string' || typeof value === 'number') && (accepts?.(value) ?? true);
    if (kind === ordering && valueOk && Number.isSafeInteger(id)) return { value, id };
  } catch {
    // fall through
  }
  throw new AppError('BAD_USER_INPUT', 'The cursor is not valid for this list and order.');
}

/** A page of rows with what a Relay connection needs to describe it. */
export interface Page<T> {
  rows: T[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  cursorOf(row: T): string;
}

/**
 * Turns rows read with `limit + 1` into a page. Without counting the other side, a page that
 * was reached through a cursor reports that there is a page before it (as GitHub does).
 */
export function toPage<T>(fetched: T[], request: PageRequest, cursorOf: (row: T) => string): Page<T> {
  const more = fetched.length > request.limit;
  const rows = fetched.slice(0, request.limit);
  if (request.backward) rows.reverse();
  return {
    rows,
    hasNextPage: request.backward ? request.position !== null : more,
    hasPreviousPage: request.backward ? more : request.position !== null,
    cursorOf,
  };
}

/** How a keyset list is sorted: by `column`, ties broken by `id`, in `direction` going forward. */
export interface KeysetOrder {
  column: string;
  id: string;
  direction: 'ASC' | 'DESC';
  /** The column holds instants: cursors carry them as ISO strings. */
  instant?: boolean;
}

/** One page's part of a keyset query: the condition past the cursor (null from the start), the order, the row limit. */
export interface KeysetSql {
  condition: string | null;
  parameters: Record<string, unknown>;
  /** `<column> <direction>, <id> <direction>`, for SQL written by hand. */
  orderBy: string;
  direction: 'ASC' | 'DESC';
  limit: number;
}

/**
 * The rows of one page: those after the cursor (before it, backward) in the list's order, one
 * more than the page holds so `toPage` can tell whether another page follows.
 */
export function keysetSql(request: PageRequest, order: KeysetOrder): KeysetSql {
  const ascending = (order.direction === 'ASC') !== request.backward;
  const direction = ascending ? 'ASC' : 'DESC';
  const orderBy = `${order.column} ${direction}, ${order.id} ${direction}`;
  if (!request.position) return { condition: null, parameters: {}, orderBy, direction, limit: request.limit + 1 };
  const op = ascending ? '>' : '<';
  const value = order.instant ? new Date(String(request.position.value)) : request.position.value;
  return {
    condition: `(${order.column} ${op} :keysetValue OR (${order.column} = :keysetValue AND ${order.id} ${op} :keysetId))`,
    parameters: { keysetValue: value, keysetId: request.position.id },
    orderBy,
    direction,
    limit: request.limit + 1,
  };
}

/** Reads one page's rows (see `keysetSql`) with a query builder. */
export function readKeysetRows<T extends ObjectLiteral>(query: SelectQueryBuilder<T>, request: PageRequest, order: KeysetOrder): Promise<T[]> {
  const keyset = keysetSql(request, order);
  if (keyset.condition) query.andWhere(keyset.condition, keyset.parameters);
  return getEntities(query.orderBy(order.column, keyset.direction).addOrderBy(order.id, keyset.direction).limit(keyset.limit));
}
