import { createHmac, randomBytes } from 'node:crypto';

/** Secret bytes: 24 to 32 is what Standard Webhooks asks for; we use 32. */
const SECRET_BYTES = 32;
export const SECRET_PREFIX = 'whsec_';

/** A new signing secret, `whsec_` + base64 of 32 random bytes. */
export function newSigningSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

/** A new message id (`webhook-id`), unique per event and kept across retries. */
export function newMessageId(): string {
  return `msg_${randomBytes(18).toString('base64url')}`;
}

/**
 * One Standard Webhooks signature: `v1,` + base64 HMAC-SHA256, keyed with the base64-decoded
 * part of the secret after `whsec_`, of `<id>.<timestamp>.<body>`.
 */
export function sign(secret: string, messageId: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${messageId}.${timestampSeconds}.${body}`).digest('base64')}`;
}

/** The `webhook-signature` header: one signature per secret in force, space-separated. */
export function signatureHeader(secrets: readonly string[], messageId: string, timestampSeconds: number, body: string): string {
  return secrets.map((secret) => sign(secret, messageId, timestampSeconds, body)).join(' ');
}
