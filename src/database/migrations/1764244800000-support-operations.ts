import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Support operations: support requests, admin email verification, the mail outbox, the audit
 * log, and a removed customer's reason and purge time. Generated from the entities by TypeORM's
 * schema builder on each engine, then reviewed (on SQLite the two columns are added with
 * ALTER TABLE instead of the builder's copy of the whole table).
 */
export class SupportOperations1764244800000 implements MigrationInterface {
  name = 'SupportOperations1764244800000';

  async up(runner: QueryRunner): Promise<void> {
    const statements = ['mysql', 'mariadb'].includes(runner.connection.options.type) ? MYSQL : SQLITE;
    for (const statement of statements) await runner.query(statement);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['audit_events', 'email_verifications', 'mail_outbox', 'support_requests']) {
      await runner.query(`DROP TABLE ${runner.connection.driver.escape(table)}`);
    }
    await runner.dropColumn('accounts', 'purged_at');
    await runner.dropColumn('accounts', 'removal_reason');
  }
}

const SQLITE = [
  'CREATE TABLE "audit_events" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "msp_id" integer, "actor_key_prefix" varchar(16), "actor_role" varchar(16), "action" varchar(40) NOT NULL, "target" varchar(200), "details" varchar(2000), "request_id" varchar(64), "client_address" varchar(64), "created_at" datetime(3) NOT NULL)',
  'CREATE INDEX "IDX_audit_events_created" ON "audit_events" ("created_at")',
  'CREATE INDEX "IDX_audit_events_msp_action" ON "audit_events" ("msp_id", "action", "created_at")',
  'CREATE INDEX "IDX_audit_events_msp" ON "audit_events" ("msp_id", "created_at")',
  'CREATE TABLE "email_verifications" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "account_id" integer NOT NULL, "token_hash" varchar(64) NOT NULL, "email_key" varchar(254) NOT NULL, "created_at" datetime(3) NOT NULL, "expires_at" datetime(3) NOT NULL, "used_at" datetime(3))',
  'CREATE UNIQUE INDEX "UQ_email_verifications_token_hash" ON "email_verifications" ("token_hash")',
  'CREATE INDEX "IDX_email_verifications_account" ON "email_verifications" ("account_id", "created_at")',
  'CREATE TABLE "mail_outbox" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "account_id" integer, "recipient" varchar(254) NOT NULL, "subject" varchar(200) NOT NULL, "body" text NOT NULL, "created_at" datetime(3) NOT NULL, "sent_at" datetime(3), "error" varchar(500))',
  'CREATE INDEX "IDX_mail_outbox_created" ON "mail_outbox" ("created_at")',
  'CREATE INDEX "IDX_mail_outbox_account" ON "mail_outbox" ("account_id")',
  `CREATE TABLE "support_requests" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "msp_id" integer NOT NULL, "customer_id" integer NOT NULL, "kind" varchar CHECK( "kind" IN ('UPGRADE','TRIAL_EXTENSION','REMOVAL') ) NOT NULL, "status" varchar CHECK( "status" IN ('OPEN','APPROVED','REJECTED') ) NOT NULL, "note" varchar(1000), "licensed_seats" integer, "days" integer, "open_key" varchar(40), "requested_by" varchar(16) NOT NULL, "created_at" datetime(3) NOT NULL, "resolved_at" datetime(3), "resolution" varchar(1000), "resolved_by" varchar(16))`,
  'CREATE UNIQUE INDEX "UQ_support_requests_open_key" ON "support_requests" ("open_key")',
  'CREATE INDEX "IDX_support_requests_status" ON "support_requests" ("status", "created_at")',
  'CREATE INDEX "IDX_support_requests_msp_status" ON "support_requests" ("msp_id", "status", "created_at")',
  'ALTER TABLE "accounts" ADD COLUMN "removal_reason" varchar(1000)',
  'ALTER TABLE "accounts" ADD COLUMN "purged_at" datetime(3)',
];

const MYSQL = [
  'CREATE TABLE `audit_events` (`id` int NOT NULL AUTO_INCREMENT, `msp_id` int NULL, `actor_key_prefix` varchar(16) NULL, `actor_role` varchar(16) NULL, `action` varchar(40) NOT NULL, `target` varchar(200) NULL, `details` varchar(2000) NULL, `request_id` varchar(64) NULL, `client_address` varchar(64) NULL, `created_at` datetime(3) NOT NULL, INDEX `IDX_audit_events_created` (`created_at`), INDEX `IDX_audit_events_msp_action` (`msp_id`, `action`, `created_at`), INDEX `IDX_audit_events_msp` (`msp_id`, `created_at`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
  'CREATE TABLE `email_verifications` (`id` int NOT NULL AUTO_INCREMENT, `account_id` int NOT NULL, `token_hash` varchar(64) NOT NULL, `email_key` varchar(254) COLLATE "utf8mb4_bin" NOT NULL, `created_at` datetime(3) NOT NULL, `expires_at` datetime(3) NOT NULL, `used_at` datetime(3) NULL, UNIQUE INDEX `UQ_email_verifications_token_hash` (`token_hash`), INDEX `IDX_email_verifications_account` (`account_id`, `created_at`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
  'CREATE TABLE `mail_outbox` (`id` int NOT NULL AUTO_INCREMENT, `account_id` int NULL, `recipient` varchar(254) NOT NULL, `subject` varchar(200) NOT NULL, `body` text NOT NULL, `created_at` datetime(3) NOT NULL, `sent_at` datetime(3) NULL, `error` varchar(500) NULL, INDEX `IDX_mail_outbox_created` (`created_at`), INDEX `IDX_mail_outbox_account` (`account_id`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
  `CREATE TABLE \`support_requests\` (\`id\` int NOT NULL AUTO_INCREMENT, \`msp_id\` int NOT NULL, \`customer_id\` int NOT NULL, \`kind\` enum ('UPGRADE', 'TRIAL_EXTENSION', 'REMOVAL') NOT NULL, \`status\` enum ('OPEN', 'APPROVED', 'REJECTED') NOT NULL, \`note\` varchar(1000) NULL, \`licensed_seats\` int NULL, \`days\` int NULL, \`open_key\` varchar(40) NULL, \`requested_by\` varchar(16) NOT NULL, \`created_at\` datetime(3) NOT NULL, \`resolved_at\` datetime(3) NULL, \`resolution\` varchar(1000) NULL, \`resolved_by\` varchar(16) NULL, UNIQUE INDEX \`UQ_support_requests_open_key\` (\`open_key\`), INDEX \`IDX_support_requests_status\` (\`status\`, \`created_at\`), INDEX \`IDX_support_requests_msp_status\` (\`msp_id\`, \`status\`, \`created_at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  'ALTER TABLE `accounts` ADD `removal_reason` varchar(1000) NULL',
  'ALTER TABLE `accounts` ADD `purged_at` datetime(3) NULL',
];
