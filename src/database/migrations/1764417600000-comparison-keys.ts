import { MigrationInterface, QueryRunner } from 'typeorm';
import { recomputeComparisonKeys } from './recompute-comparison-keys';

/**
 * Emails, organization names and identities are compared in a new form (NFKC, full Unicode case
 * folding, NFKC: see `comparisonKey`), where they used to be NFC and lower-cased per character.
 *
 * 1. Folding can make a key longer than its text (`ß` is `ss`, `İ` is `i̇`), so the key columns
 *    grow to three times their text's length (see `limits.ts`). MySQL: MODIFY, which keeps the
 *    data and the indexes (the widest, `(account_id, identity_key)`, is 3,064 bytes of InnoDB's
 *    3,072). SQLite cannot change a column: each table is rebuilt as TypeORM's schema builder
 *    does it (reviewed), copying every row.
 * 2. The stored keys are recomputed with the new rule. A pair of rows the new rule makes equal
 *    does not fail the migration: it is logged as a warning (`comparison key collision`) and the
 *    row that could not take its new key keeps a distinct one, so the unique indexes hold and
 *    both rows keep working (see `recomputeComparisonKeys`).
 */
export class ComparisonKeys1764417600000 implements MigrationInterface {
  name = 'ComparisonKeys1764417600000';

  async up(runner: QueryRunner): Promise<void> {
    for (const statement of resize(runner, WIDE)) await runner.query(statement);
    if (isMysql(runner) && runner.isTransactionActive) {
      // MySQL commits implicitly at each ALTER TABLE, which would leave the rewrite below to
      // autocommit, statement by statement; a new transaction makes it and the migration's record
      // one unit again (the ALTERs are idempotent if it rolls back and the migration runs again).
      await runner.commitTransaction();
      await runner.startTransaction();
    }
    for (const collision of await recomputeComparisonKeys(runner)) {
      runner.connection.logger.log('warn', { message: 'comparison key collision', ...collision }, runner);
    }
  }

  /**
   * Narrows the columns again; the keys stay in the new form (the old ones are not kept), and a
   * key longer than the old width makes this fail rather than be cut. Going back to the old rule
   * means restoring the data from before this migration.
   */
  async down(runner: QueryRunner): Promise<void> {
    for (const statement of resize(runner, NARROW)) await runner.query(statement);
  }
}

interface Widths {
  name: number;
  email: number;
  identity: number;
}

const WIDE: Widths = { name: 300, email: 762, identity: 765 };
const NARROW: Widths = { name: 100, email: 254, identity: 255 };

const isMysql = (runner: QueryRunner) => ['mysql', 'mariadb'].includes(runner.connection.options.type);

function resize(runner: QueryRunner, w: Widths): string[] {
  if (isMysql(runner)) {
    const key = (column: string, width: number, nullable = false) => `MODIFY \`${column}\` varchar(${width}) COLLATE "utf8mb4_bin" ${nullable ? 'NULL' : 'NOT NULL'}`;
    return [
      `ALTER TABLE \`accounts\` ${key('name_normalized', w.name)}, ${key('name_key', w.name, true)}, ${key('admin_email_key', w.email)}`,
      `ALTER TABLE \`email_verifications\` ${key('email_key', w.email)}`,
      `ALTER TABLE \`monitored_users\` ${key('identity_key', w.identity)}`,
    ];
  }
  return [
    ...rebuild(
      'accounts',
      `"id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "account_number" varchar(20) NOT NULL, "kind" varchar CHECK( "kind" IN ('MSP','CUSTOMER','STANDALONE') ) NOT NULL, "msp_id" integer, "name" varchar(100) NOT NULL, "name_normalized" varchar(${w.name}) NOT NULL, "name_key" varchar(${w.name}), "admin_email" varchar(254) NOT NULL, "admin_email_key" varchar(${w.email}) NOT NULL, "admin_email_verified_at" datetime(3), "external_id" varchar(100), "external_id_key" varchar(100), "plan" varchar CHECK( "plan" IN ('PAID','TRIAL') ) NOT NULL, "trial_ends_at" datetime(3), "licensed_seats" integer, "user_count" integer NOT NULL DEFAULT (0), "removed_at" datetime(3), "created_at" datetime(3) NOT NULL, "removal_reason" varchar(1000), "purged_at" datetime(3)`,
      ['id', 'account_number', 'kind', 'msp_id', 'name', 'name_normalized', 'name_key', 'admin_email', 'admin_email_key', 'admin_email_verified_at', 'external_id', 'external_id_key', 'plan', 'trial_ends_at', 'licensed_seats', 'user_count', 'removed_at', 'created_at', 'removal_reason', 'purged_at'],
      [
        'CREATE INDEX "IDX_accounts_msp_state" ON "accounts" ("msp_id", "removed_at", "plan", "trial_ends_at", "user_count")',
        'CREATE INDEX "IDX_accounts_msp_created" ON "accounts" ("msp_id", "removed_at", "created_at")',
        'CREATE INDEX "IDX_accounts_msp_user_count" ON "accounts" ("msp_id", "removed_at", "user_count")',
        'CREATE INDEX "IDX_accounts_msp_name" ON "accounts" ("msp_id", "removed_at", "name_normalized")',
        'CREATE UNIQUE INDEX "UQ_accounts_msp_external_id_key" ON "accounts" ("msp_id", "external_id_key")',
        'CREATE UNIQUE INDEX "UQ_accounts_msp_name_key" ON "accounts" ("msp_id", "name_key")',
        'CREATE UNIQUE INDEX "UQ_accounts_admin_email_key" ON "accounts" ("admin_email_key")',
        'CREATE UNIQUE INDEX "UQ_accounts_account_number" ON "accounts" ("account_number")',
      ],
    ),
    ...rebuild(
      'email_verifications',
      `"id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "account_id" integer NOT NULL, "token_hash" varchar(64) NOT NULL, "email_key" varchar(${w.email}) NOT NULL, "created_at" datetime(3) NOT NULL, "expires_at" datetime(3) NOT NULL, "used_at" datetime(3)`,
      ['id', 'account_id', 'token_hash', 'email_key', 'created_at', 'expires_at', 'used_at'],
      [
        'CREATE INDEX "IDX_email_verifications_account" ON "email_verifications" ("account_id", "created_at")',
        'CREATE UNIQUE INDEX "UQ_email_verifications_token_hash" ON "email_verifications" ("token_hash")',
      ],
    ),
    ...rebuild(
      'monitored_users',
      `"id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "account_id" integer NOT NULL, "identity" varchar(255) NOT NULL, "identity_key" varchar(${w.identity}) NOT NULL, "display_name" varchar(200) NOT NULL, "first_seen_at" datetime(3) NOT NULL, "last_seen_at" datetime(3) NOT NULL`,
      ['id', 'account_id', 'identity', 'identity_key', 'display_name', 'first_seen_at', 'last_seen_at'],
      [
        'CREATE INDEX "IDX_monitored_users_account_first_seen" ON "monitored_users" ("account_id", "first_seen_at")',
        'CREATE UNIQUE INDEX "UQ_monitored_users_account_identity" ON "monitored_users" ("account_id", "identity_key")',
      ],
    ),
  ];
}

/** SQLite: a table with new column definitions, its rows copied, its indexes made again. */
function rebuild(table: string, columns: string, names: string[], indexes: string[]): string[] {
  const list = names.map((n) => `"${n}"`).join(', ');
  return [
    `CREATE TABLE "temporary_${table}" (${columns})`,
    `INSERT INTO "temporary_${table}" (${list}) SELECT ${list} FROM "${table}"`,
    `DROP TABLE "${table}"`,
    `ALTER TABLE "temporary_${table}" RENAME TO "${table}"`,
    ...indexes,
  ];
}
