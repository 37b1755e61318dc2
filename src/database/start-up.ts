import { DataSource, QueryRunner } from 'typeorm';
import { isDatabaseUnavailable } from './unavailable';

const MIGRATION_LOCK_WAIT_S = 120;

/** GET_LOCK is per server, so the lock's name carries the database's; it is held by one connection. */
export async function underMigrationLock<T>(dataSource: DataSource, work: (runner: QueryRunner) => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  try {
    const [{ name }]: Array<{ name: string }> = await runner.query("SELECT LEFT(CONCAT('cc_migrate_', DATABASE()), 64) AS name");
    const [{ got }]: Array<{ got: number | string | null }> = await runner.query('SELECT GET_LOCK(?, ?) AS got', [name, MIGRATION_LOCK_WAIT_S]);
    if (Number(got) !== 1) throw new Error(`Another instance held the migration lock ${name} for over ${MIGRATION_LOCK_WAIT_S} s`);
    try {
      return await work(runner);
    } finally {
      await runner.query('SELECT RELEASE_LOCK(?)', [name]).catch(() => undefined);
    }
  } finally {
    await runner.release();
  }
}

/** Start-up: initializes a data source, retrying with backoff while the database is unreachable, for `waitMs`. */
export async function connectWithRetry(create: () => DataSource, waitMs: number, onRetry?: (error: unknown, attempt: number) => void): Promise<DataSource> {
  const giveUpAt = Date.now() + waitMs;
  for (let attempt = 1, delay = 250; ; attempt++, delay = Math.min(delay * 2, 4000)) {
    const dataSource = create();
    try {
      return await dataSource.initialize();
    } catch (error) {
      if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
      const left = giveUpAt - Date.now();
      if (!isDatabaseUnavailable(error) || left <= 0) throw error;
      onRetry?.(error, attempt);
      await new Promise((resolve) => setTimeout(resolve, Math.min(delay, left)));
    }
  }
}
