import { isEmail } from 'class-validator';
import { AppError, UserError, UserErrorCode, userError } from '../errors';
import { comparisonKey } from './comparison-key';
import { EMAIL_MAX, IDENTITY_MAX, KEY_GROWTH, ORGANIZATION_NAME_MAX } from './limits';

/**
 * The rules for every free-text input, in one place: what is refused, how text is cleaned, and
 * the one form compared texts (emails, organization names, identities) are matched in.
 */

/** C0 and C1 controls, DEL, and the line and paragraph separators: refused in every text input. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * Characters that show nothing or reorder what is shown: Unicode's Default_Ignorable_Code_Point
 * (zero-width space and joiners U+200B-U+200D, word joiner U+2060, BOM U+FEFF, soft hyphen,
 * variation selectors, ...) and Bidi_Control (U+061C, U+200E/F, U+202A-U+202E, U+2066-U+2069).
 * Refused in compared texts, where they would make a lookalike of an existing email or name.
 */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Bidi_Control}]/u;

/** True when a text holds characters that show nothing or reorder what is shown (lookalike makers). */
export const hasInvisibleCharacters = (text: string): boolean => INVISIBLE.test(text);

/**
 * A surrogate standing alone: in `u` mode a proper pair reads as one astral code point, so only
 * an unpaired half matches. Such a string is not well-formed UTF-16 and has no UTF-8 form (SQLite
 * stored its bytes as given, MariaDB a U+FFFD), so it is refused everywhere.
 */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const wellFormed = (text: string) => !LONE_SURROGATE.test(text);

export { EMAIL_MAX, ORGANIZATION_NAME_MAX, IDENTITY_MAX } from './limits';
export const EXTERNAL_ID_MAX = 100;
export const DISPLAY_NAME_MAX = 200;
export const IDEMPOTENCY_KEY_MAX = 100;
export const KEY_NAME_MAX = 100;
export const NOTE_MAX = 1000;
export const REASON_MAX = 1000;

/** Length in characters (code points), as the database columns count it, not UTF-16 units. */
export const characters = (text: string) => [...text].length;

/**
 * How an input is read:
 * - `text`: free text, NFC (one spelling per accented letter) and trimmed;
 * - `compared`: like `text`, and compared by its comparison key, so it may hold no invisible
 *   character and its key must fit the key column (`KEY_GROWTH` times `max` characters);
 * - `token`: the client's own string (external id, idempotency key), trimmed and compared
 *   exactly, so not normalized.
 */
export type TextKind = 'text' | 'compared' | 'token';

export interface TextRule {
  field: string;
  code: UserErrorCode;
  /** How the message names the input, e.g. 'The organization name'. */
  label: string;
  max: number;
  kind: TextKind;
}

/** A text that passed its rule, and the key it is compared by (the text itself unless `compared`). */
export interface CheckedText {
  text: string;
  key: string;
}

/**
 * The check every free-text input goes through: refuses text that is not well-formed UTF-16
 * (lone surrogates, which the engines store differently), then normalizes (NFC unless a token),
 * trims, and refuses empty text, text over `max` characters, control characters and, for
 * compared texts, invisible characters and a key too long for its column.
 */
export function checkText(raw: string, rule: TextRule, optional = false): CheckedText | UserError {
  const refused = (why?: string) => userError(rule.field, rule.code, why ? `${rule.label} ${why}.` : describe(rule, optional));
  if (!wellFormed(raw)) return refused('is not valid Unicode text (it has an unpaired surrogate)');
  const text = (rule.kind === 'token' ? raw : raw.normalize('NFC')).trim();
  if (text.length === 0 || characters(text) > rule.max || CONTROL.test(text)) return refused();
  if (rule.kind !== 'compared') return { text, key: text };
  if (INVISIBLE.test(text)) return refused('may not contain invisible or direction-changing characters');
  const key = comparisonKey(text);
  if (characters(key) > rule.max * KEY_GROWTH) return refused('is too long once normalized for comparison');
  return { text, key };
}

/** An optional free text (a note, a reason): absent or blank is null, otherwise `checkText`'s rule. */
export function checkOptionalText(raw: string | null | undefined, rule: TextRule): string | null | UserError {
  if (raw == null) return null;
  if (wellFormed(raw) && raw.trim().length === 0) return null;
  const checked = checkText(raw, rule, true);
  return isUserError(checked) ? checked : checked.text;
}

function describe(rule: TextRule, optional: boolean): string {
  const length = optional ? `at most ${rule.max}` : `1 to ${rule.max}`;
  return `${rule.label} must be ${length} characters with no control characters.`;
}

const rule = (field: string, code: UserErrorCode, label: string, max: number, kind: TextKind): TextRule => ({ field, code, label, max, kind });

export const checkOrganizationName = (raw: string, field = 'organizationName') =>
  checkText(raw, rule(field, UserErrorCode.INVALID_ORGANIZATION_NAME, 'The organization name', ORGANIZATION_NAME_MAX, 'compared'));

export const checkIdentity = (raw: string, field = 'identity') =>
  checkText(raw, rule(field, UserErrorCode.INVALID_IDENTITY, 'The identity', IDENTITY_MAX, 'compared'));

export const checkDisplayName = (raw: string, field = 'displayName') =>
  checkText(raw, rule(field, UserErrorCode.INVALID_DISPLAY_NAME, 'The display name', DISPLAY_NAME_MAX, 'text'));

/** An API key's label: the text itself, or why it is refused. */
export function checkKeyName(raw: string, field = 'name'): string | UserError {
  const checked = checkText(raw, rule(field, UserErrorCode.INVALID_KEY_NAME, 'A key name', KEY_NAME_MAX, 'text'));
  return isUserError(checked) ? checked : checked.text;
}

/** A support request's or a resolution's note: optional. */
export const checkNote = (raw: string | null | undefined, field = 'note') =>
  checkOptionalText(raw, rule(field, UserErrorCode.INVALID_NOTE, 'A note', NOTE_MAX, 'text'));

/** Why staff removed a customer: optional, the same rule as a note. */
export const checkReason = (raw: string | null | undefined, field = 'reason') =>
  checkOptionalText(raw, rule(field, UserErrorCode.INVALID_NOTE, 'The reason', REASON_MAX, 'text'));

/** External ids and idempotency keys are the client's own strings: compared exactly, after trimming. */
export function checkToken(raw: string, max: number, field: string, code: UserErrorCode, label: string): string | UserError {
  const checked = checkText(raw, rule(field, code, label, max, 'token'));
  return isUserError(checked) ? checked : checked.text;
}

/**
 * An admin email: a compared text that is also a valid address outside the reserved `.invalid`
 * domain (RFC 2606; purged accounts use it for their placeholders).
 */
export function checkEmail(raw: string, field = 'adminEmail'): { email: string; key: string } | UserError {
  const emailRule = rule(field, UserErrorCode.INVALID_EMAIL, 'An email address', EMAIL_MAX, 'compared');
  const invalid = () => userError(field, UserErrorCode.INVALID_EMAIL, `Enter a valid email address of at most ${EMAIL_MAX} characters.`);
  const checked = checkText(raw, emailRule);
  if (isUserError(checked)) return checked;
  if (!isEmail(checked.text) || /\.invalid$/.test(checked.key)) return invalid();
  return { email: checked.text, key: checked.key };
}

/**
 * A search: the trimmed term (matched exactly against account numbers) and its key (matched
 * against the stored keys, in their form), or null when blank. A term with control characters or
 * lone surrogates is a malformed request (`BAD_USER_INPUT`): the engines read it differently (a
 * NUL matched everything on SQLite and nothing on MariaDB).
 */
export function checkSearch(raw: string | null | undefined): { term: string; key: string } | null {
  if (raw == null) return null;
  if (!wellFormed(raw) || CONTROL.test(raw)) {
    throw new AppError('BAD_USER_INPUT', 'A search may not contain control characters or unpaired surrogates.');
  }
  const term = raw.normalize('NFC').trim();
  return term.length === 0 ? null : { term, key: comparisonKey(term) };
}

/** The comparison key of a text the product writes itself (a purged customer's placeholder name). */
export const keyOf = (text: string) => comparisonKey(text.normalize('NFC').trim());

export function isUserError(value: unknown): value is UserError {
  return typeof value === 'object' && value !== null && 'code' in value && 'field' in value;
}
