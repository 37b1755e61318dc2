import { EntityManager } from 'typeorm';
import { Database } from '../../database/data-source';
import { AccountEntity, EmailVerificationEntity, MailOutboxEntity, MonitoredUserEntity } from '../../entities';
import { keyOf } from '../text/text-rules';

/** The anonymous placeholders that replace a purged customer's personal data. */
export const purgedEmail = (accountNumber: string) => `purged-${accountNumber}@purged.invalid`;
export const purgedName = (accountNumber: string) => `Purged customer ${accountNumber}`;
export const PURGED_USER_PREFIX = 'purged-user-';

/**
 * Replaces a customer's personal data with placeholders, inside the caller's transaction: its
 * admin email, organization name and external id, its users' identities and display names, its
 * pending verification links and the mail sent about it. Returns the account's new values.
 */
export async function anonymizeCustomer(db: Database, manager: EntityManager, customer: AccountEntity, now: Date): Promise<Partial<AccountEntity>> {
  const email = purgedEmail(customer.accountNumber);
  const name = purgedName(customer.accountNumber);
  const values = {
    adminEmail: email,
    adminEmailKey: email,
    adminEmailVerifiedAt: null,
    name,
    nameNormalized: keyOf(name),
    externalId: null,
    externalIdKey: null,
    purgedAt: customer.purgedAt ?? now,
  };
  await manager.update(AccountEntity, { id: customer.id }, values);
  // Two passes: a user whose identity happens to read "purged-user-<another user's id>" would
  // make a one-pass rewrite hit the unique (account, identity) index. The interim key starts
  // with a control character, which no registered identity can contain.
  const keyed = (prefix: string) => (db.engine === 'mysql' ? `CONCAT(${prefix}, id)` : `${prefix} || id`);
  for (const [prefix, columns] of [
    [':interim', ['identityKey']],
    [':placeholder', ['identity', 'identityKey', 'displayName']],
  ] as const) {
    await manager
      .createQueryBuilder()
      .update(MonitoredUserEntity)
      .set(Object.fromEntries(columns.map((column) => [column, () => keyed(prefix)])))
      .where('account_id = :id', { id: customer.id })
      .setParameters({ interim: '\u0001purging-', placeholder: PURGED_USER_PREFIX })
      .execute();
  }
  // Pending verification links name the old address; they are useless now and personal data.
  await manager.delete(EmailVerificationEntity, { accountId: customer.id });
  // So does every mail sent about the account (to this address or an earlier, corrected one).
  await manager.update(MailOutboxEntity, { accountId: customer.id }, { recipient: email, subject: '(purged)', body: '(purged)' });
  return values;
}
