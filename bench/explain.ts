import { createConnection, RowDataPacket } from 'mysql2/promise';

export interface PlanRow {
  table: string | null;
  type: string | null;
  key: string | null;
  rows: number | null;
  extra: string | null;
}

export interface ExplainedStatement {
  sql: string;
  /** Null for statements without a plan (transaction control, SET). */
  plan: PlanRow[] | null;
  /** Every table the plan reads is read through an index (or there is none to read). */
  indexed: boolean;
  readsMonitoredUsers: boolean;
  /** The rows MariaDB expects to sort when the plan sorts (filesort) instead of reading in index order. */
  sortsRows: number | null;
}

/** Rows judged by access type: a full scan (`ALL`) or an index walked end to end (`index`) is not an index use. */
function rowUsesIndex(row: PlanRow): boolean {
  if (row.table === null) return true; // "No tables used", "Select tables optimized away"
  if (row.type === 'system' || row.type === 'const') return true;
  if (row.type === 'ALL' || row.type === 'index') return false;
  return row.key !== null;
}

/** EXPLAINs each statement as sent (values inlined) on a connection of its own. */
export async function explainStatements(url: string, statements: string[]): Promise<ExplainedStatement[]> {
  const connection = await createConnection({ uri: url, timezone: 'Z' });
  try {
    const explained: ExplainedStatement[] = [];
    for (const sent of statements) {
      // The server's statement limit the project wraps each statement in is not part of its plan.
      const sql = sent.replace(/^\s*SET STATEMENT max_statement_time=[\d.]+ FOR /i, '');
      const readsMonitoredUsers = /\bmonitored_users\b/i.test(sql);
      if (!/^\s*(SELECT|UPDATE|DELETE|INSERT)\b/i.test(sql)) {
        explained.push({ sql, plan: null, indexed: true, readsMonitoredUsers, sortsRows: null });
        continue;
      }
      const [rows] = await connection.query<RowDataPacket[]>(`EXPLAIN ${sql}`);
      const plan = rows.map((r) => ({
        table: r.table ?? null,
        type: r.type ?? null,
        key: r.key ?? null,
        rows: r.rows === null || r.rows === undefined ? null : Number(r.rows),
        extra: r.Extra ?? null,
      }));
      const sorting = plan.filter((p) => /filesort/i.test(p.extra ?? ''));
      const sortsRows = sorting.length > 0 ? sorting.reduce((a, p) => a + (p.rows ?? 0), 0) : null;
      explained.push({ sql, plan, indexed: plan.every(rowUsesIndex), readsMonitoredUsers, sortsRows });
    }
    return explained;
  } finally {
    await connection.end();
  }
}
