import { isEmail } from 'class-validator';
import { UserError, UserErrorCode, userError } from './errors';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export const EMAIL_MAX = 254;
export const ORGANIZATION_NAME_MAX = 100;
export const EXTERNAL_ID_MAX = 100;
export const IDENTITY_MAX = 255;
export const DISPLAY_NAME_MAX = 200;
export const IDEMPOTENCY_KEY_MAX = 100;

/**
 * Lower-cases code point by code point, keeping the one whose lower case is longer (U+0130,
 * capital I with dot), so a key has exactly as many characters as its text and always fits the
 * text's column (MySQL refuses longer values).
 */
function lowerCase(text: string): string {
  let key = '';
  for (const char of text) {
    const lower = char.toLowerCase();
    key += lower.length === char.length ? lower : char;
  }
  return key;
}

/** Length in characters (code points), as the database columns count it, not UTF-16 units. */
const characters = (text: string) => [...text].length;

/** The form an email is compared in: NFC (one spelling per accented letter), trimmed, lower-cased. */
export function emailKey(email: string): string {
  return lowerCase(email.normalize('NFC').trim());
}

/** The form names and identities are compared in: NFC, trimmed, lower-cased. */
export function textKey(text: string): string {
  return lowerCase(text.normalize('NFC').trim());
}

export function checkEmail(raw: string, field = 'adminEmail'): { email: string; key: string } | UserError {
  const email = raw.trim();
  const key = emailKey(email);
  // `.invalid` is reserved (RFC 2606) and never a mailbox; purged accounts use it for placeholders.
  if (email.length === 0 || email.length > EMAIL_MAX || characters(key) > EMAIL_MAX || CONTROL.test(email) || !isEmail(email) || /\.invalid$/.test(key)) {
    return userError(field, UserErrorCode.INVALID_EMAIL, `Enter a valid email address of at most ${EMAIL_MAX} characters.`);
  }
  return { email, key };
}

function checkText(
  raw: string,
  max: number,
  field: string,
  code: UserErrorCode,
  label: string,
): { text: string; key: string } | UserError {
  const text = raw.normalize('NFC').trim();
  if (text.length === 0 || characters(text) > max || CONTROL.test(text)) {
    return userError(field, code, `${label} must be 1 to ${max} characters with no control characters.`);
  }
  return { text, key: textKey(text) };
}

export const checkOrganizationName = (raw: string, field = 'organizationName') =>
  checkText(raw, ORGANIZATION_NAME_MAX, field, UserErrorCode.INVALID_ORGANIZATION_NAME, 'The organization name');

export const checkIdentity = (raw: string, field = 'identity') =>
  checkText(raw, IDENTITY_MAX, field, UserErrorCode.INVALID_IDENTITY, 'The identity');

export const checkDisplayName = (raw: string, field = 'displayName') =>
  checkText(raw, DISPLAY_NAME_MAX, field, UserErrorCode.INVALID_DISPLAY_NAME, 'The display name');

/** External ids and idempotency keys are the client's own strings: compared exactly, after trimming. */
export function checkToken(raw: string, max: number, field: string, code: UserErrorCode, label: string): string | UserError {
  const token = raw.trim();
  if (token.length === 0 || characters(token) > max || CONTROL.test(token)) {
    return userError(field, code, `${label} must be 1 to ${max} characters with no control characters.`);
  }
  return token;
}

export function isUserError(value: unknown): value is UserError {
  return typeof value === 'object' && value !== null && 'code' in value && 'field' in value;
}
