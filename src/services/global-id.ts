/** The node types a global id can name. */
export type NodeType = 'Msp' | 'CustomerAccount' | 'MonitoredUser' | 'SupportRequest' | 'ApiKey' | 'AuditEvent' | 'WebhookEndpoint' | 'WebhookDelivery' | 'WebhookEvent';

const NODE_TYPES: ReadonlySet<string> = new Set<NodeType>(['Msp', 'CustomerAccount', 'MonitoredUser', 'SupportRequest', 'ApiKey', 'AuditEvent', 'WebhookEndpoint', 'WebhookDelivery', 'WebhookEvent']);

/** Opaque to clients: base64url of "<type>:<public key>" (account number, or row id). */
export function toGlobalId(type: NodeType, key: string | number): string {
  return Buffer.from(`${type}:${key}`, 'utf8').toString('base64url');
}

/** The type and key of a global id, or null when it is malformed (a malformed id is an unknown id). */
export function fromGlobalId(id: string): { type: NodeType; key: string } | null {
  if (typeof id !== 'string' || id.length === 0 || id.length > 200 || !/^[A-Za-z0-9_-]+$/.test(id)) return null;
  const decoded = Buffer.from(id, 'base64url').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  const type = decoded.slice(0, colon);
  const key = decoded.slice(colon + 1);
  if (!NODE_TYPES.has(type) || !/^\d{1,20}$/.test(key)) return null;
  return { type: type as NodeType, key };
}

/** The row id behind a global id of the given type, or null. */
export function rowIdOf(id: string, type: NodeType): number | null {
  const parsed = fromGlobalId(id);
  if (!parsed || parsed.type !== type) return null;
  const value = Number(parsed.key);
  return Number.isSafeInteger(value) && value > 0 ? value : null;
}

/** The account number behind a global id of the given type, or null. */
export function accountNumberOf(id: string, type: 'Msp' | 'CustomerAccount'): string | null {
  const parsed = fromGlobalId(id);
  return parsed && parsed.type === type ? parsed.key : null;
}
