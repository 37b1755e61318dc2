import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The first schema: accounts, monitored users, API keys, per-MSP rollups, idempotency keys.
 * Generated from the entities by TypeORM's schema builder on each engine, then reviewed; the
 * tables on MySQL are utf8mb4 whatever the database's default, and the normalized key
 * columns use a binary collation so both engines compare them alike.
 */
export class Initial1764158400000 implements MigrationInterface {
  name = 'Initial1764158400000';

  async up(runner: QueryRunner): Promise<void> {
    const statements = ['mysql', 'mariadb'].includes(runner.connection.options.type) ? MYSQL : SQLITE;
    for (const statement of statements) await runner.query(statement);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of [...TABLES].reverse()) await runner.query(`DROP TABLE ${runner.connection.driver.escape(table)}`);
  }
}

const TABLES = ['accounts', 'api_keys', 'idempotency_keys', 'monitored_users', 'msp_rollups'];

const SQLITE = [
  `CREATE TABLE "accounts" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "account_number" varchar(20) NOT NULL, "kind" varchar CHECK( "kind" IN ('MSP','CUSTOMER','STANDALONE') ) NOT NULL, "msp_id" integer, "name" varchar(100) NOT NULL, "name_normalized" varchar(100) NOT NULL, "name_key" varchar(100), "admin_email" varchar(254) NOT NULL, "admin_email_key" varchar(254) NOT NULL, "admin_email_verified_at" datetime(3), "external_id" varchar(100), "external_id_key" varchar(100), "plan" varchar CHECK( "plan" IN ('PAID','TRIAL') ) NOT NULL, "trial_ends_at" datetime(3), "licensed_seats" integer, "user_count" integer NOT NULL DEFAULT (0), "removed_at" datetime(3), "created_at" datetime(3) NOT NULL)`,
  'CREATE UNIQUE INDEX "UQ_accounts_account_number" ON "accounts" ("account_number")',
  'CREATE UNIQUE INDEX "UQ_accounts_admin_email_key" ON "accounts" ("admin_email_key")',
  'CREATE UNIQUE INDEX "UQ_accounts_msp_external_id_key" ON "accounts" ("msp_id", "external_id_key")',
  'CREATE UNIQUE INDEX "UQ_accounts_msp_name_key" ON "accounts" ("msp_id", "name_key")',
  'CREATE INDEX "IDX_accounts_msp_user_count" ON "accounts" ("msp_id", "removed_at", "user_count")',
  'CREATE INDEX "IDX_accounts_msp_name" ON "accounts" ("msp_id", "removed_at", "name_normalized")',
  'CREATE INDEX "IDX_accounts_msp_created" ON "accounts" ("msp_id", "removed_at", "created_at")',
  'CREATE INDEX "IDX_accounts_msp_state" ON "accounts" ("msp_id", "removed_at", "plan", "trial_ends_at", "user_count")',
  `CREATE TABLE "api_keys" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "prefix" varchar(8) NOT NULL, "secret_hash" varchar(64) NOT NULL, "role" varchar CHECK( "role" IN ('MSP_ADMIN','MSP_READ','STAFF','APP') ) NOT NULL, "msp_id" integer, "name" varchar(100) NOT NULL, "created_at" datetime(3) NOT NULL, "last_used_at" datetime(3), "revoked_at" datetime(3))`,
  'CREATE UNIQUE INDEX "UQ_api_keys_prefix" ON "api_keys" ("prefix")',
  'CREATE INDEX "IDX_api_keys_msp" ON "api_keys" ("msp_id", "created_at")',
  'CREATE TABLE "idempotency_keys" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "msp_id" integer NOT NULL, "idem_key" varchar(100) NOT NULL, "request_hash" varchar(64) NOT NULL, "account_id" integer NOT NULL, "created_at" datetime(3) NOT NULL)',
  'CREATE INDEX "IDX_idempotency_keys_created" ON "idempotency_keys" ("created_at")',
  'CREATE UNIQUE INDEX "UQ_idempotency_keys_msp_key" ON "idempotency_keys" ("msp_id", "idem_key")',
  'CREATE TABLE "monitored_users" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "account_id" integer NOT NULL, "identity" varchar(255) NOT NULL, "identity_key" varchar(255) NOT NULL, "display_name" varchar(200) NOT NULL, "first_seen_at" datetime(3) NOT NULL, "last_seen_at" datetime(3) NOT NULL)',
  'CREATE INDEX "IDX_monitored_users_account_first_seen" ON "monitored_users" ("account_id", "first_seen_at")',
  'CREATE UNIQUE INDEX "UQ_monitored_users_account_identity" ON "monitored_users" ("account_id", "identity_key")',
  'CREATE TABLE "msp_rollups" ("msp_id" integer PRIMARY KEY NOT NULL, "as_of" datetime(3) NOT NULL, "paid_count" integer NOT NULL DEFAULT (0), "paid_users" integer NOT NULL DEFAULT (0), "active_count" integer NOT NULL DEFAULT (0), "active_users" integer NOT NULL DEFAULT (0), "expired_count" integer NOT NULL DEFAULT (0), "expired_users" integer NOT NULL DEFAULT (0), "version" integer NOT NULL DEFAULT (0))',
];

const MYSQL = [
  `CREATE TABLE \`accounts\` (\`id\` int NOT NULL AUTO_INCREMENT, \`account_number\` varchar(20) COLLATE "utf8mb4_bin" NOT NULL, \`kind\` enum ('MSP', 'CUSTOMER', 'STANDALONE') NOT NULL, \`msp_id\` int NULL, \`name\` varchar(100) NOT NULL, \`name_normalized\` varchar(100) COLLATE "utf8mb4_bin" NOT NULL, \`name_key\` varchar(100) COLLATE "utf8mb4_bin" NULL, \`admin_email\` varchar(254) NOT NULL, \`admin_email_key\` varchar(254) COLLATE "utf8mb4_bin" NOT NULL, \`admin_email_verified_at\` datetime(3) NULL, \`external_id\` varchar(100) NULL, \`external_id_key\` varchar(100) COLLATE "utf8mb4_bin" NULL, \`plan\` enum ('PAID', 'TRIAL') NOT NULL, \`trial_ends_at\` datetime(3) NULL, \`licensed_seats\` int NULL, \`user_count\` int NOT NULL DEFAULT '0', \`removed_at\` datetime(3) NULL, \`created_at\` datetime(3) NOT NULL, UNIQUE INDEX \`UQ_accounts_account_number\` (\`account_number\`), UNIQUE INDEX \`UQ_accounts_admin_email_key\` (\`admin_email_key\`), UNIQUE INDEX \`UQ_accounts_msp_external_id_key\` (\`msp_id\`, \`external_id_key\`), UNIQUE INDEX \`UQ_accounts_msp_name_key\` (\`msp_id\`, \`name_key\`), INDEX \`IDX_accounts_msp_user_count\` (\`msp_id\`, \`removed_at\`, \`user_count\`), INDEX \`IDX_accounts_msp_name\` (\`msp_id\`, \`removed_at\`, \`name_normalized\`), INDEX \`IDX_accounts_msp_created\` (\`msp_id\`, \`removed_at\`, \`created_at\`), INDEX \`IDX_accounts_msp_state\` (\`msp_id\`, \`removed_at\`, \`plan\`, \`trial_ends_at\`, \`user_count\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  `CREATE TABLE \`api_keys\` (\`id\` int NOT NULL AUTO_INCREMENT, \`prefix\` varchar(8) COLLATE "utf8mb4_bin" NOT NULL, \`secret_hash\` varchar(64) NOT NULL, \`role\` enum ('MSP_ADMIN', 'MSP_READ', 'STAFF', 'APP') NOT NULL, \`msp_id\` int NULL, \`name\` varchar(100) NOT NULL, \`created_at\` datetime(3) NOT NULL, \`last_used_at\` datetime(3) NULL, \`revoked_at\` datetime(3) NULL, UNIQUE INDEX \`UQ_api_keys_prefix\` (\`prefix\`), INDEX \`IDX_api_keys_msp\` (\`msp_id\`, \`created_at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  'CREATE TABLE `idempotency_keys` (`id` int NOT NULL AUTO_INCREMENT, `msp_id` int NOT NULL, `idem_key` varchar(100) COLLATE "utf8mb4_bin" NOT NULL, `request_hash` varchar(64) NOT NULL, `account_id` int NOT NULL, `created_at` datetime(3) NOT NULL, INDEX `IDX_idempotency_keys_created` (`created_at`), UNIQUE INDEX `UQ_idempotency_keys_msp_key` (`msp_id`, `idem_key`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
  'CREATE TABLE `monitored_users` (`id` int NOT NULL AUTO_INCREMENT, `account_id` int NOT NULL, `identity` varchar(255) NOT NULL, `identity_key` varchar(255) COLLATE "utf8mb4_bin" NOT NULL, `display_name` varchar(200) NOT NULL, `first_seen_at` datetime(3) NOT NULL, `last_seen_at` datetime(3) NOT NULL, INDEX `IDX_monitored_users_account_first_seen` (`account_id`, `first_seen_at`), UNIQUE INDEX `UQ_monitored_users_account_identity` (`account_id`, `identity_key`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
  `CREATE TABLE \`msp_rollups\` (\`msp_id\` int NOT NULL, \`as_of\` datetime(3) NOT NULL, \`paid_count\` int NOT NULL DEFAULT '0', \`paid_users\` int NOT NULL DEFAULT '0', \`active_count\` int NOT NULL DEFAULT '0', \`active_users\` int NOT NULL DEFAULT '0', \`expired_count\` int NOT NULL DEFAULT '0', \`expired_users\` int NOT NULL DEFAULT '0', \`version\` int NOT NULL DEFAULT '0', PRIMARY KEY (\`msp_id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
];
