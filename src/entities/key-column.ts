import { Column, ColumnOptions } from 'typeorm';

/**
 * Columns that hold a normalized lookup key (lower-cased email, organization name, identity,
 * key prefix). MariaDB's default collations are case- and accent-insensitive while SQLite
 * compares bytes; these columns get a binary collation on MySQL so both engines agree. The
 * collation cannot be written on the decorator because SQLite's DDL rejects it, so it is
 * applied to the metadata per engine (see `applyEngineCollations`).
 */
export const keyColumns: Array<{ target: Function; propertyName: string }> = [];

export function KeyColumn(options: ColumnOptions): PropertyDecorator {
  const column = Column(options);
  return (target, propertyName) => {
    keyColumns.push({ target: target.constructor, propertyName: String(propertyName) });
    column(target, propertyName);
  };
}
