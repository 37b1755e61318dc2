import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhooks (endpoints, the event outbox, deliveries and their attempts), the claims of the trial
 * scheduler's events, and the daily usage snapshots. Generated from the entities by TypeORM's
 * schema builder on each engine, then reviewed.
 */
export class WebhooksUsage1764504000000 implements MigrationInterface {
  name = 'WebhooksUsage1764504000000';

  async up(runner: QueryRunner): Promise<void> {
    const statements = ['mysql', 'mariadb'].includes(runner.connection.options.type) ? MYSQL : SQLITE;
    for (const statement of statements) await runner.query(statement);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['usage_snapshots', 'trial_notices', 'webhook_attempts', 'webhook_deliveries', 'webhook_events', 'webhook_endpoints']) {
      await runner.query(`DROP TABLE ${runner.connection.driver.escape(table)}`);
    }
  }
}

const SQLITE = [
  'CREATE TABLE "webhook_endpoints" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "msp_id" integer NOT NULL, "url" varchar(2000) NOT NULL, "events" varchar(500) NOT NULL, "secret" varchar(100) NOT NULL, "previous_secret" varchar(100), "previous_secret_expires_at" datetime(3), "created_at" datetime(3) NOT NULL, "updated_at" datetime(3) NOT NULL)',
  'CREATE INDEX "IDX_webhook_endpoints_msp" ON "webhook_endpoints" ("msp_id", "created_at")',
  'CREATE TABLE "webhook_events" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "message_id" varchar(40) NOT NULL, "msp_id" integer NOT NULL, "type" varchar(40) NOT NULL, "data" text NOT NULL, "created_at" datetime(3) NOT NULL)',
  'CREATE UNIQUE INDEX "UQ_webhook_events_message_id" ON "webhook_events" ("message_id")',
  'CREATE INDEX "IDX_webhook_events_created" ON "webhook_events" ("created_at")',
  'CREATE INDEX "IDX_webhook_events_msp" ON "webhook_events" ("msp_id", "id")',
  `CREATE TABLE "webhook_deliveries" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "event_id" integer NOT NULL, "endpoint_id" integer NOT NULL, "status" varchar CHECK( "status" IN ('PENDING','SUCCEEDED','FAILED') ) NOT NULL, "attempts" integer NOT NULL, "next_attempt_at" datetime(3), "retry_until" datetime(3) NOT NULL, "created_at" datetime(3) NOT NULL, "completed_at" datetime(3))`,
  'CREATE INDEX "IDX_webhook_deliveries_endpoint" ON "webhook_deliveries" ("endpoint_id", "id")',
  'CREATE INDEX "IDX_webhook_deliveries_due" ON "webhook_deliveries" ("status", "next_attempt_at")',
  'CREATE TABLE "webhook_attempts" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "delivery_id" integer NOT NULL, "attempted_at" datetime(3) NOT NULL, "status_code" integer, "error" varchar(500), "duration_ms" integer NOT NULL)',
  'CREATE INDEX "IDX_webhook_attempts_delivery" ON "webhook_attempts" ("delivery_id", "id")',
  'CREATE TABLE "trial_notices" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "account_id" integer NOT NULL, "kind" varchar(20) NOT NULL, "trial_ends_at" datetime(3) NOT NULL, "created_at" datetime(3) NOT NULL)',
  'CREATE UNIQUE INDEX "UQ_trial_notices_account_kind_end" ON "trial_notices" ("account_id", "kind", "trial_ends_at")',
  'CREATE TABLE "usage_snapshots" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "msp_id" integer NOT NULL, "account_id" integer NOT NULL, "day" varchar(10) NOT NULL, "state" varchar(16) NOT NULL, "licensed_seats" integer, "user_count" integer NOT NULL, "monitored_users" integer NOT NULL, "billable" integer NOT NULL, "taken_at" datetime(3) NOT NULL)',
  'CREATE INDEX "IDX_usage_snapshots_msp_day" ON "usage_snapshots" ("msp_id", "day")',
  'CREATE UNIQUE INDEX "UQ_usage_snapshots_account_day" ON "usage_snapshots" ("account_id", "day")',
];

const MYSQL = [
  'CREATE TABLE `webhook_endpoints` (`id` int NOT NULL AUTO_INCREMENT, `msp_id` int NOT NULL, `url` varchar(2000) NOT NULL, `events` varchar(500) NOT NULL, `secret` varchar(100) NOT NULL, `previous_secret` varchar(100) NULL, `previous_secret_expires_at` datetime(3) NULL, `created_at` datetime(3) NOT NULL, `updated_at` datetime(3) NOT NULL, INDEX `IDX_webhook_endpoints_msp` (`msp_id`, `created_at`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
  'CREATE TABLE `webhook_events` (`id` int NOT NULL AUTO_INCREMENT, `message_id` varchar(40) NOT NULL, `msp_id` int NOT NULL, `type` varchar(40) NOT NULL, `data` text NOT NULL, `created_at` datetime(3) NOT NULL, UNIQUE INDEX `UQ_webhook_events_message_id` (`message_id`), INDEX `IDX_webhook_events_created` (`created_at`), INDEX `IDX_webhook_events_msp` (`msp_id`, `id`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
  `CREATE TABLE \`webhook_deliveries\` (\`id\` int NOT NULL AUTO_INCREMENT, \`event_id\` int NOT NULL, \`endpoint_id\` int NOT NULL, \`status\` enum ('PENDING', 'SUCCEEDED', 'FAILED') NOT NULL, \`attempts\` int NOT NULL, \`next_attempt_at\` datetime(3) NULL, \`retry_until\` datetime(3) NOT NULL, \`created_at\` datetime(3) NOT NULL, \`completed_at\` datetime(3) NULL, INDEX \`IDX_webhook_deliveries_endpoint\` (\`endpoint_id\`, \`id\`), INDEX \`IDX_webhook_deliveries_due\` (\`status\`, \`next_attempt_at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  'CREATE TABLE `webhook_attempts` (`id` int NOT NULL AUTO_INCREMENT, `delivery_id` int NOT NULL, `attempted_at` datetime(3) NOT NULL, `status_code` int NULL, `error` varchar(500) NULL, `duration_ms` int NOT NULL, INDEX `IDX_webhook_attempts_delivery` (`delivery_id`, `id`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
  'CREATE TABLE `trial_notices` (`id` int NOT NULL AUTO_INCREMENT, `account_id` int NOT NULL, `kind` varchar(20) NOT NULL, `trial_ends_at` datetime(3) NOT NULL, `created_at` datetime(3) NOT NULL, UNIQUE INDEX `UQ_trial_notices_account_kind_end` (`account_id`, `kind`, `trial_ends_at`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
  'CREATE TABLE `usage_snapshots` (`id` int NOT NULL AUTO_INCREMENT, `msp_id` int NOT NULL, `account_id` int NOT NULL, `day` varchar(10) NOT NULL, `state` varchar(16) NOT NULL, `licensed_seats` int NULL, `user_count` int NOT NULL, `monitored_users` int NOT NULL, `billable` int NOT NULL, `taken_at` datetime(3) NOT NULL, INDEX `IDX_usage_snapshots_msp_day` (`msp_id`, `day`), UNIQUE INDEX `UQ_usage_snapshots_account_day` (`account_id`, `day`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
];
