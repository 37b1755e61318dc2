import { MigrationInterface, QueryRunner } from 'typeorm';
import { recomputeComparisonKeys } from './recompute-comparison-keys';

/**
 * Emails, organization names and identities are compared in a new form (NFKC, full Unicode case
 * folding, NFKC: see `comparisonKey`), where they used to be NFC and lower-cased per character.
 * Recomputes the stored keys with it. A pair of rows the new rule makes equal does not fail the
 * migration: it is logged as a warning (`comparison key collision`) and the row that could not
 * take its new key keeps a distinct one, so the unique indexes hold and both rows keep working.
 * No schema change: a key must fit its column, and new input whose key would not is refused.
 */
export class ComparisonKeys1764417600000 implements MigrationInterface {
  name = 'ComparisonKeys1764417600000';

  async up(runner: QueryRunner): Promise<void> {
    for (const collision of await recomputeComparisonKeys(runner)) {
      runner.connection.logger.log('warn', { message: 'comparison key collision', ...collision }, runner);
    }
  }

  /**
   * Leaves the keys in the new form (the old ones are not kept): the schema is unchanged, and
   * for the ASCII text most keys hold both forms agree. Going back to the old rule means restoring
   * the data from before this migration.
   */
  async down(): Promise<void> {}
}
