/**
 * Lengths of the texts the product stores, in characters (code points), and of the comparison
 * keys made from them. Full case folding turns one character into at most three (`ΐ`, `ﬃ`), so a
 * key column is three times its text's length; a key longer still (NFKC expands some rare
 * compatibility characters further, e.g. U+FDFA into 18) is refused with the field's INVALID_*
 * error rather than cut.
 */
export const KEY_GROWTH = 3;

export const EMAIL_MAX = 254;
export const ORGANIZATION_NAME_MAX = 100;
export const IDENTITY_MAX = 255;

export const EMAIL_KEY_MAX = EMAIL_MAX * KEY_GROWTH;
export const ORGANIZATION_NAME_KEY_MAX = ORGANIZATION_NAME_MAX * KEY_GROWTH;
export const IDENTITY_KEY_MAX = IDENTITY_MAX * KEY_GROWTH;
