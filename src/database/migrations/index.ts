import { Initial1764158400000 } from './1764158400000-initial';
import { SupportOperations1764244800000 } from './1764244800000-support-operations';
import { WebhooksUsage1764504000000 } from './1764504000000-webhooks-usage';

/** Every migration, oldest first. */
export const migrations = [Initial1764158400000, SupportOperations1764244800000, WebhooksUsage1764504000000];
