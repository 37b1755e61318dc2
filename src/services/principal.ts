import { ApiKeyRole } from '../entities/enums';

/**
 * Who is calling: the API key's identity and where the call came from, passed explicitly to
 * every service method (tenant scoping and the audit log both read it).
 */
export interface Principal {
  keyId: number;
  keyPrefix: string;
  role: ApiKeyRole;
  /** The MSP of an MSP_ADMIN or MSP_READ key; null for STAFF and APP. */
  mspId: number | null;
  /** The request's id, for the audit log; null outside HTTP (the CLI, the demo seed). */
  requestId?: string | null;
  clientAddress?: string | null;
}

export const isStaff = (principal: Principal) => principal.role === ApiKeyRole.STAFF;

/** The MSP a principal is confined to, or null when it may see every MSP (staff). */
export function tenantOf(principal: Principal): number | null {
  return isStaff(principal) ? null : (principal.mspId ?? -1);
}

/**
 * The MSP of a principal that an MSP-only operation needs. The roles on the schema let only MSP
 * keys call these, so anything else is a programming error, not a user error.
 */
export function requireMspId(principal: Principal, operation: string): number {
  if (principal.mspId === null) throw new Error(`${operation} needs an MSP principal`);
  return principal.mspId;
}
