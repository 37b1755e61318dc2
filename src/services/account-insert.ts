import { randomInt } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { Database } from '../database/data-source';
import { insertRows } from '../database/insert';
import { AccountEntity } from '../entities';
import { UserError, UserErrorsAbort } from './errors';
import { takenErrorOf } from './user-errors';

/** Account numbers: 8 digits, random so they reveal nothing, never reused (rows are never deleted). */
function newAccountNumber(): string {
  return String(randomInt(10_000_000, 100_000_000));
}

/** True when some account (of any kind, removed or not) holds this normalized email. */
export async function emailTaken(manager: EntityManager, emailKey: string): Promise<boolean> {
  return (await manager.count(AccountEntity, { where: { adminEmailKey: emailKey } })) > 0;
}

/**
 * Inserts an account with a fresh account number. The unique indexes are the checks: a taken
 * email, organization name or external id becomes the matching user error and aborts the
 * transaction (with `everyTaken`, the errors it returns, so that a caller can report every
 * taken field at once; it runs only on that failure path). A clash of random account numbers is
 * retried with another number.
 */
export async function insertAccount(
  db: Database,
  manager: EntityManager,
  values: Omit<AccountEntity, 'id' | 'accountNumber'>,
  everyTaken?: (violated: UserError) => Promise<UserError[]>,
): Promise<AccountEntity> {
  for (let attempt = 0; ; attempt++) {
    const accountNumber = newAccountNumber();
    try {
      // Every value is known here but the id, which the insert's own result carries.
      const id = await insertRows(manager, AccountEntity, [{ ...values, accountNumber }]);
      return Object.assign(new AccountEntity(), values, { id, accountNumber });
    } catch (error) {
      const index = db.uniqueViolation(error);
      if (index === 'UQ_accounts_account_number' && attempt < 5) continue;
      const taken = takenErrorOf(index);
      if (taken) throw new UserErrorsAbort(everyTaken ? await everyTaken(taken) : [taken]);
      throw error;
    }
  }
}
