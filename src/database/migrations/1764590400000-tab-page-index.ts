import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An index that serves a tab's page (`customers(state: ..., first: n)`, newest first) in order:
 * equality on (msp, not removed, plan), then (created_at, id) in the page's order, then the
 * trial end, checked from the index. Without it MariaDB reads the MSP's trials through
 * IDX_accounts_msp_state and sorts all of them on every request, a cost that grows with the MSP.
 */
export class TabPageIndex1764590400000 implements MigrationInterface {
  name = 'TabPageIndex1764590400000';

  async up(runner: QueryRunner): Promise<void> {
    const mysql = ['mysql', 'mariadb'].includes(runner.connection.options.type);
    await runner.query(
      mysql
        ? 'CREATE INDEX `IDX_accounts_msp_plan_created` ON `accounts` (`msp_id`, `removed_at`, `plan`, `created_at`, `id`, `trial_ends_at`)'
        : 'CREATE INDEX "IDX_accounts_msp_plan_created" ON "accounts" ("msp_id", "removed_at", "plan", "created_at", "id", "trial_ends_at")',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    const mysql = ['mysql', 'mariadb'].includes(runner.connection.options.type);
    await runner.query(mysql ? 'DROP INDEX `IDX_accounts_msp_plan_created` ON `accounts`' : 'DROP INDEX "IDX_accounts_msp_plan_created"');
  }
}
