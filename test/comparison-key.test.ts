import { CASE_FOLDING } from '../src/services/text/case-folding.data';
import { caseFold, comparisonKey } from '../src/services/text/comparison-key';
import { KEY_GROWTH } from '../src/services/text/limits';
import { checkEmail, checkOrganizationName, isUserError } from '../src/services/text/text-rules';

const codePoints = (text: string) => [...text].map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);

/** Every Unicode scalar value (no surrogates). */
function* scalars(): Generator<string> {
  for (let cp = 0; cp <= 0x10ffff; cp++) if (cp < 0xd800 || cp > 0xdfff) yield String.fromCodePoint(cp);
}

describe('comparisonKey: NFKC, full case folding, NFKC', () => {
  it.each([
    ['\u0130NFO@x.example', 'i\u0307nfo@x.example'],
    ['\u0130STANBUL', 'i\u0307stanbul'],
    ['Stra\u00dfe', 'strasse'],
    ['\u1e9e', 'ss'],
    ['\u03a3\u039f\u03a6\u039f\u03a3', '\u03c3\u03bf\u03c6\u03bf\u03c3'],
    ['\u03c3\u03bf\u03c6\u03bf\u03c2', '\u03c3\u03bf\u03c6\u03bf\u03c3'],
    ['\uff21\uff23\uff2d\uff25', 'acme'],
    ['\ufb01le', 'file'],
    ['Cafe\u0301', 'caf\u00e9'],
    ['\u212b', '\u00e5'],
    ['\u01c4', 'd\u017e'],
  ])('%s is %s', (text, key) => {
    expect(codePoints(comparisonKey(text))).toEqual(codePoints(key));
  });

  it('is not locale-dependent: dotless ı stays ı and I is i (CaseFolding T rows left out)', () => {
    expect(comparisonKey('I')).toBe('i');
    expect(comparisonKey('\u0131')).toBe('\u0131');
  });

  it('is stable: the key of any key is itself, for every code point', () => {
    const unstable: string[] = [];
    for (const char of scalars()) {
      const key = comparisonKey(char);
      if (comparisonKey(key) !== key) unstable.push(codePoints(char)[0]);
    }
    expect(unstable).toEqual([]);
  });

  it(`folds no code point into more than ${KEY_GROWTH} (the key columns' growth allowance)`, () => {
    const longest = Math.max(...CASE_FOLDING.map((row) => row.length - 1));
    expect(longest).toBe(KEY_GROWTH);
    const longer: string[] = [];
    for (const char of scalars()) if ([...caseFold(char)].length > KEY_GROWTH) longer.push(codePoints(char)[0]);
    expect(longer).toEqual([]);
  });

  it('refuses a name or email whose key would not fit its column, rather than cutting it', () => {
    // U+FDFA is one character whose NFKC form has 18.
    const name = checkOrganizationName('\ufdfa'.repeat(17));
    expect(isUserError(name) && name.code).toBe('INVALID_ORGANIZATION_NAME');
    expect(isUserError(checkOrganizationName('\ufdfa'.repeat(16)))).toBe(false);
    const fits = checkOrganizationName('\u0130'.repeat(100));
    expect(!isUserError(fits) && [...fits.key].length).toBe(200);
    expect(isUserError(checkEmail(`${'\ufdfa'.repeat(43)}@x.example`))).toBe(true);
  });
});
