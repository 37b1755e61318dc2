import { Initial1764158400000 } from './1764158400000-initial';

/** Every migration, oldest first. */
export const migrations = [Initial1764158400000];
