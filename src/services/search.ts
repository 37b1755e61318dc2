import { SelectQueryBuilder } from 'typeorm';
import { AccountEntity } from '../entities';
import { SqlFragment } from './subscription/subscription-rule';
import { checkSearch } from './text/text-rules';

/**
 * A LIKE pattern matching `key` (a comparison key) as a literal substring (escape character `!`).
 */
export function likePattern(key: string): string {
  return `%${key.replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

/**
 * A search as a condition on accounts (alias `a`): a literal substring of the name's or admin
 * email's comparison key (so case-insensitive the same way on both engines), or the exact account
 * number. Null for a blank search (it narrows nothing); one with control characters is BAD_USER_INPUT.
 */
export function accountMatchesSql(search: string | null | undefined): SqlFragment | null {
  const checked = checkSearch(search);
  if (!checked) return null;
  return {
    sql: "(a.name_normalized LIKE :pattern ESCAPE '!' OR a.admin_email_key LIKE :pattern ESCAPE '!' OR a.account_number = :term)",
    parameters: { pattern: likePattern(checked.key), term: checked.term },
  };
}

/** Narrows a query builder on accounts (alias `a`) to a search (see `accountMatchesSql`). */
export function whereAccountMatches(query: SelectQueryBuilder<AccountEntity>, search: string | null | undefined): void {
  const matches = accountMatchesSql(search);
  if (matches) query.andWhere(matches.sql, matches.parameters);
}
