import { Initial1764158400000 } from './1764158400000-initial';
import { SupportOperations1764244800000 } from './1764244800000-support-operations';

/** Every migration, oldest first. */
export const migrations = [Initial1764158400000, SupportOperations1764244800000];
