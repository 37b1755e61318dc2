import { createConnection, RowDataPacket } from 'mysql2/promise';
import { SeededMsp } from './seed';

/** Rows the write scenarios added: removed before and after, so every run sees the seeded data. */
export async function cleanWrites(url: string, writer: SeededMsp, rebuild: () => Promise<void>): Promise<void> {
  const connection = await createConnection({ uri: url, timezone: 'Z' });
  try {
    // Seeded customers have 9-digit account numbers; the service gives new ones 8 digits.
    await connection.query(
      'DELETE u FROM monitored_users u JOIN accounts a ON a.id = u.account_id WHERE a.msp_id = ? AND CHAR_LENGTH(a.account_number) < 9',
      [writer.id],
    );
    await connection.query("DELETE FROM accounts WHERE msp_id = ? AND kind = 'CUSTOMER' AND CHAR_LENGTH(account_number) < 9", [writer.id]);
    // The seed writes none of these: every row is a benchmark run's.
    for (const table of ['audit_events', 'mail_outbox', 'email_verifications', 'idempotency_keys']) await connection.query(`DELETE FROM \`${table}\``);
  } finally {
    await connection.end();
  }
  await rebuild();
}

export async function mariadbVersion(url: string): Promise<string> {
  const connection = await createConnection({ uri: url });
  try {
    const [rows] = await connection.query<RowDataPacket[]>('SELECT VERSION() AS v');
    return String(rows[0].v);
  } finally {
    await connection.end();
  }
}

/** The totals of an MSP by brute force over its customer rows, to check the API's before timing. */
export async function bruteForceTotals(url: string, mspId: number) {
  const connection = await createConnection({ uri: url, timezone: 'Z' });
  try {
    const [[row]] = await connection.query<RowDataPacket[]>(
      `SELECT SUM(plan = 'PAID') AS paid, SUM(plan = 'TRIAL' AND trial_ends_at > NOW(3)) AS active,
              SUM(plan = 'TRIAL' AND (trial_ends_at <= NOW(3) OR trial_ends_at IS NULL)) AS expired,
              SUM(IF(plan = 'PAID', user_count, 0)) AS paidUsers,
              SUM(IF(plan = 'TRIAL' AND trial_ends_at > NOW(3), user_count, 0)) AS activeUsers,
              SUM(IF(plan = 'TRIAL' AND (trial_ends_at <= NOW(3) OR trial_ends_at IS NULL), LEAST(user_count, 3), 0)) AS expiredUsers
       FROM accounts WHERE msp_id = ? AND removed_at IS NULL`,
      [mspId],
    );
    return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));
  } finally {
    await connection.end();
  }
}
