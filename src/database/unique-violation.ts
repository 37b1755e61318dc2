import { DataSource, QueryFailedError } from 'typeorm';

/**
 * The name of the unique index a failed insert or update ran into, or undefined when the error
 * is not a unique violation. Index names are the ones the entities declare (SQLite names only
 * the columns, so the index is found by them).
 */
export function uniqueIndexViolated(dataSource: DataSource, error: unknown): string | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  const driverError = (error as QueryFailedError & { driverError?: { code?: string; message?: string } }).driverError;
  const message = driverError?.message ?? error.message;
  if (dataSource.options.type === 'mysql') {
    if (driverError?.code !== 'ER_DUP_ENTRY') return undefined;
    const key = /for key '([^']+)'/.exec(message)?.[1];
    return key?.includes('.') ? key.slice(key.lastIndexOf('.') + 1) : key;
  }
  if (driverError?.code !== 'SQLITE_CONSTRAINT_UNIQUE' && driverError?.code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return undefined;
  }
  const failed = /constraint failed: (.+)$/.exec(message)?.[1];
  if (!failed) return undefined;
  const columns = failed.split(',').map((part) => part.trim().split('.'));
  const table = columns[0][0];
  const names = columns.map(([, column]) => column).join(',');
  for (const metadata of dataSource.entityMetadatas) {
    if (metadata.tableName !== table) continue;
    for (const index of metadata.indices) {
      if (index.isUnique && index.columns.map((c) => c.databaseName).join(',') === names) return index.name;
    }
  }
  return undefined;
}
