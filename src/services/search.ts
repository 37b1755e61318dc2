/** A LIKE pattern matching `term` as a literal, case-insensitive substring (escape character `!`). */
export function likePattern(term: string): string {
  return `%${term.trim().toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;
}
