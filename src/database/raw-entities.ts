import { DataSource, EntityMetadata, EntityTarget, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';

interface ColumnReader {
  /** The raw row's key: `<alias>_<column name>`, as TypeORM names selected entity columns. */
  key: string;
  property: string;
  /** The driver's value as the entity holds it. */
  convert: (value: unknown) => unknown;
}

const identity = (value: unknown) => value;

/**
 * The driver's own conversion, skipped where it is known to return the value as it is: text,
 * integers and string enums, and instants the driver already made Dates (mysql2; SQLite gives text).
 */
function converterOf(dataSource: DataSource, column: ColumnMetadata): (value: unknown) => unknown {
  const driver = dataSource.driver;
  const converted = (value: unknown) => driver.prepareHydratedValue(value, column);
  if (column.transformer) return converted;
  const nullable = (convert: (value: unknown) => unknown) => (value: unknown) => (value === null || value === undefined ? value : convert(value));
  const stringEnum = column.type === 'simple-enum' && (column.enum ?? []).every((v) => typeof v === 'string');
  if (column.type === 'varchar' || column.type === 'int' || stringEnum) return identity;
  if (column.type === 'datetime') return nullable((value) => (value instanceof Date ? value : converted(value)));
  return converted;
}

const readers = new WeakMap<EntityMetadata, Map<string, ColumnReader[]>>();

function readersOf(dataSource: DataSource, metadata: EntityMetadata, alias: string): ColumnReader[] {
  let byAlias = readers.get(metadata);
  if (!byAlias) readers.set(metadata, (byAlias = new Map()));
  let list = byAlias.get(alias);
  if (!list) {
    list = metadata.columns.map((column) => ({ key: `${alias}_${column.databaseName}`, property: column.propertyName, convert: converterOf(dataSource, column) }));
    byAlias.set(alias, list);
  }
  return list;
}

/**
 * The entity a raw row holds under `alias`, or null when its primary key is null (an outer join
 * that matched nothing). Each value goes through the driver's own conversion (dates from either
 * engine, transformers); what TypeORM's general result transformer adds (relations, embedded and
 * eager columns, grouping joined rows) is skipped, and on the dashboard's read path it cost more
 * than the statement itself. For plain entities (every one of ours: no relations, no embeddeds).
 */
export function entityFromRaw<T extends ObjectLiteral>(dataSource: DataSource, metadata: EntityMetadata, alias: string, row: Record<string, unknown>): T | null {
  const list = readersOf(dataSource, metadata, alias);
  const primary = metadata.primaryColumns[0];
  if (primary && row[`${alias}_${primary.databaseName}`] == null) return null;
  const entity = new (metadata.target as new () => T)() as Record<string, unknown>;
  for (const { key, property, convert } of list) {
    if (key in row) entity[property] = convert(row[key]);
  }
  return entity as T;
}

/**
 * One entity as a hand-written select reads it: the columns to select, named as TypeORM names
 * them in raw rows (`<alias>.<column> AS <alias>_<column>`), and the reader that builds the
 * entity from such a row (null when its primary key is null: an outer join that matched nothing).
 */
export interface EntityColumns<T> {
  readonly sql: string;
  readonly read: (row: Record<string, unknown>) => T | null;
}

/** By data source (each engine quotes and converts its own way), then by entity class. */
const selections = new WeakMap<DataSource, WeakMap<object, Map<string, EntityColumns<ObjectLiteral>>>>();

/**
 * The columns of an entity (all of them, or those of `properties`) and their reader, made once
 * per entity, alias and column set. An entity read with some of its columns has only those
 * properties set. The reader is compiled: it assigns exactly the selected columns and calls a
 * converter only where the driver's value needs one (through `entityFromRaw`, which looks each
 * column up in every row, a page of the customer list cost 0.4 us a row).
 */
export function entityColumns<T extends ObjectLiteral>(
  dataSource: DataSource,
  target: EntityTarget<T>,
  alias: string,
  properties?: ReadonlyArray<keyof T & string>,
): EntityColumns<T> {
  let byTarget = selections.get(dataSource);
  if (!byTarget) selections.set(dataSource, (byTarget = new WeakMap()));
  let byKey = byTarget.get(target as object);
  if (!byKey) byTarget.set(target as object, (byKey = new Map()));
  const cacheKey = properties ? `${alias}:${properties.join(',')}` : alias;
  let found = byKey.get(cacheKey);
  if (!found) {
    const metadata = dataSource.getMetadata(target);
    const wanted = properties && new Set<string>(properties);
    const columns = metadata.columns.filter((c) => !wanted || wanted.has(c.propertyName));
    if (wanted && columns.length !== wanted.size) throw new Error(`entityColumns(): ${metadata.name} has no column for some of ${properties!.join(', ')}`);
    const escape = (name: string) => dataSource.driver.escape(name);
    const sql = columns.map((c) => `${alias}.${escape(c.databaseName)} AS ${escape(`${alias}_${c.databaseName}`)}`).join(', ');
    const list = readersOf(dataSource, metadata, alias).filter((r) => !wanted || wanted.has(r.property));
    const primary = metadata.primaryColumns[0];
    const converters: Array<(value: unknown) => unknown> = [];
    const lines = list.map(({ key, property, convert }) => {
      const value = `row[${JSON.stringify(key)}]`;
      if (convert === identity) return `entity[${JSON.stringify(property)}] = ${value};`;
      converters.push(convert);
      return `entity[${JSON.stringify(property)}] = convert[${converters.length - 1}](${value});`;
    });
    const guard = primary ? `if (row[${JSON.stringify(`${alias}_${primary.databaseName}`)}] == null) return null;` : '';
    // Column and property names come from the entity metadata, quoted as JSON string literals.
    const build = new Function('Target', 'convert', `return function read(row) { ${guard} const entity = new Target(); ${lines.join(' ')} return entity; };`);
    found = { sql, read: build(metadata.target, converters) as EntityColumns<ObjectLiteral>['read'] };
    byKey.set(cacheKey, found);
  }
  return found as EntityColumns<T>;
}

/**
 * Runs a select of one entity (its main alias, no joined selections) and returns the entities
 * as `getMany()` would, through `entityFromRaw`.
 */
export async function getEntities<T extends ObjectLiteral>(query: SelectQueryBuilder<T>): Promise<T[]> {
  const main = query.expressionMap.mainAlias;
  if (!main?.hasMetadata) throw new Error('getEntities needs a query on an entity');
  const rows: Record<string, unknown>[] = await query.getRawMany();
  const entities: T[] = [];
  for (const row of rows) {
    const entity = entityFromRaw<T>(query.connection, main.metadata, main.name, row);
    if (entity) entities.push(entity);
  }
  return entities;
}
