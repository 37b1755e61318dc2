import { Brackets, SelectQueryBuilder } from 'typeorm';
import { AccountEntity } from '../entities';
import { checkSearch } from './text/text-rules';

/**
 * A LIKE pattern matching `key` (a comparison key) as a literal substring (escape character `!`).
 */
export function likePattern(key: string): string {
  return `%${key.replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

/**
 * Narrows a query on accounts (alias `a`) to a search: a literal substring of the name's or
 * admin email's comparison key (so case-insensitive the same way on both engines), or the exact
 * account number. A blank search narrows nothing; one with control characters is BAD_USER_INPUT.
 */
export function whereAccountMatches(query: SelectQueryBuilder<AccountEntity>, search: string | null | undefined): void {
  const checked = checkSearch(search);
  if (!checked) return;
  query.andWhere(
    new Brackets((or) => {
      or.where("a.name_normalized LIKE :pattern ESCAPE '!'", { pattern: likePattern(checked.key) })
        .orWhere("a.admin_email_key LIKE :pattern ESCAPE '!'")
        .orWhere('a.account_number = :term', { term: checked.term });
    }),
  );
}
