import { Brackets, SelectQueryBuilder } from 'typeorm';
import { AccountEntity } from '../entities';
import { textKey } from './normalize';

/**
 * A LIKE pattern matching `term` as a literal, case-insensitive substring (escape character `!`),
 * normalized exactly as the stored keys it is compared with.
 */
export function likePattern(term: string): string {
  return `%${textKey(term).replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

/**
 * Narrows a query on accounts (alias `a`) to a search: a case-insensitive, literal substring of
 * the name or admin email, or the exact account number. A blank search narrows nothing.
 */
export function whereAccountMatches(query: SelectQueryBuilder<AccountEntity>, search: string | null | undefined): void {
  const term = search?.trim();
  if (!term) return;
  query.andWhere(
    new Brackets((or) => {
      or.where("a.name_normalized LIKE :pattern ESCAPE '!'", { pattern: likePattern(term) })
        .orWhere("a.admin_email_key LIKE :pattern ESCAPE '!'")
        .orWhere('a.account_number = :term', { term });
    }),
  );
}
