import { Initial1764158400000 } from './1764158400000-initial';
import { SupportOperations1764244800000 } from './1764244800000-support-operations';
import { ComparisonKeys1764417600000 } from './1764417600000-comparison-keys';
import { WebhooksUsage1764504000000 } from './1764504000000-webhooks-usage';
import { TabPageIndex1764590400000 } from './1764590400000-tab-page-index';

/** Every migration, oldest first. */
export const migrations = [Initial1764158400000, SupportOperations1764244800000, ComparisonKeys1764417600000, WebhooksUsage1764504000000, TabPageIndex1764590400000];
