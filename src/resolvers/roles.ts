import { ApiKeyRole } from '../entities/enums';

/** Who may read an MSP's data. */
export const READERS = [ApiKeyRole.MSP_ADMIN, ApiKeyRole.MSP_READ, ApiKeyRole.STAFF];
/** Who may change an MSP's customers. */
export const WRITERS = [ApiKeyRole.MSP_ADMIN, ApiKeyRole.STAFF];
