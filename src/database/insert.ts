import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';

interface InsertShape {
  /** `INSERT INTO <table> (<columns>) VALUES ` */
  head: string;
  /** `(?, ?, …)`: one row's placeholders. */
  row: string;
  columns: ColumnMetadata[];
}

const shapes = new WeakMap<object, Map<string, InsertShape>>();

function shapeOf(manager: EntityManager, target: EntityTarget<ObjectLiteral>, properties: string[]): InsertShape {
  const metadata = manager.connection.getMetadata(target);
  let byProperties = shapes.get(metadata);
  if (!byProperties) shapes.set(metadata, (byProperties = new Map()));
  const key = properties.join(',');
  let shape = byProperties.get(key);
  if (!shape) {
    const escape = (name: string) => manager.connection.driver.escape(name);
    const columns = properties.map((property) => {
      const column = metadata.findColumnWithPropertyName(property);
      if (!column) throw new Error(`insertRows(): ${metadata.name} has no column for ${property}`);
      return column;
    });
    shape = {
      head: `INSERT INTO ${escape(metadata.tableName)} (${columns.map((c) => escape(c.databaseName)).join(', ')}) VALUES `,
      row: `(${columns.map(() => '?').join(', ')})`,
      columns,
    };
    byProperties.set(key, shape);
  }
  return shape;
}

/**
 * Inserts rows of one entity in one statement, in the manager's transaction, and returns the
 * generated id of the first (MySQL: `insertId`; SQLite: `lastInsertRowid`, the last row's, so
 * meant for one-row inserts when the id is wanted). The SQL is written here rather than by
 * TypeORM's insert builder, whose query building (a parameter per value, then a regex pass over
 * the whole text) cost more CPU than the statement on addCustomer's path. Every value still goes
 * through the driver's own conversion (`preparePersistentValue`: dates for each engine, enums,
 * transformers), as the builder's do. Properties left undefined take their column's default;
 * every row sets the same properties. Errors are TypeORM's (QueryFailedError), so unique
 * violations are told apart as before.
 */
export async function insertRows<T extends ObjectLiteral>(manager: EntityManager, target: EntityTarget<T>, rows: ReadonlyArray<Partial<T>>): Promise<number> {
  if (rows.length === 0) throw new Error('insertRows(): no rows');
  if (!manager.queryRunner) throw new Error("insertRows(): runs in a transaction's manager");
  const properties = Object.keys(rows[0]).filter((property) => rows[0][property] !== undefined);
  const shape = shapeOf(manager, target, properties);
  const driver = manager.connection.driver;
  const values: unknown[] = [];
  for (const row of rows) {
    let set = 0;
    for (const property in row) if (row[property] !== undefined) set++;
    if (set !== properties.length) throw new Error('insertRows(): every row sets the same properties');
    for (const column of shape.columns) {
      const value = row[column.propertyName];
      if (value === undefined) throw new Error('insertRows(): every row sets the same properties');
      values.push(driver.preparePersistentValue(value, column));
    }
  }
  const sql = shape.head + (rows.length === 1 ? shape.row : Array(rows.length).fill(shape.row).join(', '));
  return insertedId(await manager.query(sql, values));
}

/** The generated id of an insert, from the driver's raw result (mysql2: insertId; better-sqlite3: lastInsertRowid). */
function insertedId(raw: unknown): number {
  const id = typeof raw === 'number' || typeof raw === 'bigint' ? Number(raw) : Number((raw as { insertId?: unknown } | null)?.insertId);
  if (!Number.isSafeInteger(id) || id <= 0) throw new Error(`the insert returned no id: ${JSON.stringify(raw)}`);
  return id;
}
