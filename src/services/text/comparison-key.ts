import { CASE_FOLDING } from './case-folding.data';

const FOLDS = new Map<number, string>(CASE_FOLDING.map(([from, ...to]) => [from, String.fromCodePoint(...to)]));

/**
 * Unicode full case folding (CaseFolding.txt, statuses C and F; not the Turkic T rows): `ß` is
 * `ss`, `İ` is `i̇`, final `ς` is `σ`, `Ǆ` is `ǆ`. JavaScript's toLowerCase is not it (it keeps
 * `ß`, and its result for `İ` depends on nothing but is not what caseless matching uses).
 */
export function caseFold(text: string): string {
  let out = '';
  for (const char of text) out += FOLDS.get(char.codePointAt(0) as number) ?? char;
  return out;
}

/**
 * The one form emails, organization names and identities are compared in, on both engines:
 * NFKC (compatibility forms such as fullwidth `Ａ` or the ligature `ﬁ` become their plain
 * letters), then full case folding, then NFKC again (folding can produce sequences that compose,
 * e.g. `ΐ`), so the key of a key is itself. The caller trims and validates first.
 */
export function comparisonKey(text: string): string {
  return caseFold(text.normalize('NFKC')).normalize('NFKC');
}
