import { textKey } from './normalize';

/**
 * A LIKE pattern matching `term` as a literal, case-insensitive substring (escape character `!`),
 * normalized exactly as the stored keys it is compared with.
 */
export function likePattern(term: string): string {
  return `%${textKey(term).replace(/[!%_]/g, (c) => `!${c}`)}%`;
}
