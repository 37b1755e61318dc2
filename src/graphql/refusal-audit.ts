import { ApiKeyRole } from '../entities/enums';
import { AuditAction } from '../services/audit.service';
import { RequestContext } from './context';

/** Per request, the refused fields already audited: a field refused for every item of a list is one event. */
const audited = new WeakMap<RequestContext, Set<string>>();

/**
 * Records that the authenticated caller was refused `field` (e.g. `Mutation.addCustomer`), once
 * per field and request, and at most once per key, field and rate-limit window (a script
 * retrying a refused call writes one row per window, not one per call). A failed write is
 * logged, never the request's failure: the caller gets its FORBIDDEN either way. Keyless
 * callers are not audited (they never get past the 401).
 */
export async function recordRefusal(context: RequestContext, field: string, allowed: readonly ApiKeyRole[]): Promise<void> {
  const principal = context.principal;
  if (!principal) return;
  let fields = audited.get(context);
  if (!fields) audited.set(context, (fields = new Set()));
  if (fields.has(field)) return;
  fields.add(field);
  try {
    if (!(await context.firstRefusal(field))) return;
    await context.services.audit.recordAlone(principal, {
      action: AuditAction.AUTHORIZATION_REFUSED,
      mspId: principal.mspId,
      target: field,
      details: { allowedRoles: allowed },
    });
  } catch (error) {
    context.log.error({ err: error, field }, 'could not record a refused authorization in the audit log');
  }
}
