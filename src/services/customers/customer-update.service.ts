import { EntityManager, IsNull } from 'typeorm';
import { Database } from '../../database/data-source';
import { AccountEntity, AccountKind } from '../../entities';
import { emailTaken } from '../account-insert';
import { customerNotFound, emailTakenError, externalIdTakenError, nameTakenError, takenErrorOf } from '../user-errors';
import { AuditAction, AuditService } from '../audit.service';
import { EmailVerificationService, accountTarget } from '../email-verification.service';
import { Outcome, UserError, UserErrorCode, UserErrorsAbort, failure, runOutcome, userError } from '../errors';
import { accountNumberOf } from '../global-id';
import { EXTERNAL_ID_MAX, checkEmail, checkOrganizationName, checkToken, isUserError } from '../text/text-rules';
import { Principal, requireMspId } from '../principal';
import { RollupService } from '../subscription/rollup.service';

/** Null or omitted: unchanged. An empty `externalId` (after trimming) clears it. */
export interface UpdateCustomerInput {
  customerId: string;
  organizationName?: string | null;
  externalId?: string | null;
  adminEmail?: string | null;
}

/** Changes an MSP makes to its own customers after adding them, and the verification email it can resend. */
export class CustomerUpdateService {
  constructor(
    private readonly db: Database,
    private readonly rollups: RollupService,
    private readonly audit: AuditService,
    private readonly verification: EmailVerificationService,
  ) {}

  /**
   * Renames a customer, sets or clears its external id, and corrects its admin email while
   * unverified (a new verification email goes out; older links stop working). The rules are
   * those of addCustomer; a value equal to the current one (an email compared normalized) is
   * no change. User errors: NOTHING_TO_UPDATE, NOT_FOUND (customerId), INVALID_ORGANIZATION_NAME,
   * ORGANIZATION_NAME_TAKEN, INVALID_EXTERNAL_ID, EXTERNAL_ID_TAKEN, INVALID_EMAIL, EMAIL_TAKEN,
   * EMAIL_LOCKED.
   */
  async updateCustomer(principal: Principal, input: UpdateCustomerInput): Promise<Outcome<AccountEntity>> {
    const mspId = requireMspId(principal, 'updateCustomer');
    if (input.organizationName == null && input.externalId == null && input.adminEmail == null) {
      return failure({
        field: ['input'],
        code: UserErrorCode.NOTHING_TO_UPDATE,
        message: 'Give at least one of organizationName, externalId and adminEmail.',
      });
    }
    const name = input.organizationName == null ? null : checkOrganizationName(input.organizationName);
    const email = input.adminEmail == null ? null : checkEmail(input.adminEmail);
    const externalId =
      input.externalId == null || input.externalId.trim() === ''
        ? null
        : checkToken(input.externalId, EXTERNAL_ID_MAX, 'externalId', UserErrorCode.INVALID_EXTERNAL_ID, 'The external id');
    const invalid = [name, externalId, email].filter(isUserError);
    if (invalid.length > 0 || isUserError(name) || isUserError(externalId) || isUserError(email)) return failure(...invalid);

    return runOutcome(() =>
      this.db.transaction(async (manager) => {
        await this.rollups.lock(manager, mspId);
        const customer = await this.current(manager, mspId, input.customerId);
        const changes: Partial<AccountEntity> = {};
        const details: Record<string, unknown> = {};
        const errors: UserError[] = [];

        if (name !== null && name.text !== customer.name) {
          // A new case of its own name keeps the key; only another customer's name is taken.
          if (name.key !== customer.nameKey && (await manager.count(AccountEntity, { where: { mspId, nameKey: name.key } }))) {
            errors.push(nameTakenError());
          }
          Object.assign(changes, { name: name.text, nameNormalized: name.key, nameKey: name.key });
          details.organizationName = { from: customer.name, to: name.text };
        }
        if (input.externalId != null && externalId !== customer.externalId) {
          if (externalId !== null && (await manager.count(AccountEntity, { where: { mspId, externalIdKey: externalId } }))) {
            errors.push(externalIdTakenError());
          }
          Object.assign(changes, { externalId, externalIdKey: externalId });
          details.externalId = { from: customer.externalId, to: externalId };
        }
        if (email !== null && email.key !== customer.adminEmailKey) {
          if (customer.adminEmailVerifiedAt !== null) {
            errors.push(userError('adminEmail', UserErrorCode.EMAIL_LOCKED, 'The admin email is verified and can no longer be changed here.'));
          } else if (await emailTaken(manager, email.key)) {
            errors.push(emailTakenError());
          }
          Object.assign(changes, { adminEmail: email.email, adminEmailKey: email.key });
          // The addresses are personal data: the entry says that the email changed, not to what.
          details.adminEmailCorrected = true;
        }
        if (errors.length > 0) throw new UserErrorsAbort(errors);
        if (Object.keys(changes).length === 0) return customer;

        try {
          await manager.update(AccountEntity, { id: customer.id }, changes);
        } catch (error) {
          const index = this.db.uniqueViolation(error);
          const taken = takenErrorOf(index);
          if (taken) throw new UserErrorsAbort([taken]);
          throw error;
        }
        const updated = Object.assign(customer, changes);
        await this.audit.record(manager, principal, {
          action: AuditAction.CUSTOMER_UPDATED,
          mspId,
          target: accountTarget(updated),
          details,
        });
        if (changes.adminEmailKey !== undefined) {
          await this.verification.revokeLinks(manager, updated.id);
          await this.verification.issue(manager, principal, updated, 'EMAIL_CORRECTED');
        }
        return updated;
      }),
    );
  }

  /**
   * Sends the admin a new verification link (earlier unexpired ones keep working).
   * User errors: NOT_FOUND (customerId), EMAIL_ALREADY_VERIFIED.
   */
  async resendVerificationEmail(principal: Principal, customerId: string): Promise<Outcome<AccountEntity>> {
    const mspId = requireMspId(principal, 'resendVerificationEmail');
    return runOutcome(() =>
      this.db.transaction(async (manager) => {
        await this.rollups.lock(manager, mspId);
        const customer = await this.current(manager, mspId, customerId);
        if (customer.adminEmailVerifiedAt !== null) {
          throw new UserErrorsAbort([userError('customerId', UserErrorCode.EMAIL_ALREADY_VERIFIED, 'The admin email is already verified.')]);
        }
        await this.verification.issue(manager, principal, customer, 'RESENT');
        return customer;
      }),
    );
  }

  /** The MSP's current (not removed) customer behind a global id; NOT_FOUND for anything else. */
  private async current(manager: EntityManager, mspId: number, customerId: string): Promise<AccountEntity> {
    const accountNumber = accountNumberOf(customerId, 'CustomerAccount');
    const customer =
      accountNumber === null
        ? null
        : await manager.findOne(AccountEntity, { where: { accountNumber, kind: AccountKind.CUSTOMER, mspId, removedAt: IsNull() } });
    if (!customer) throw new UserErrorsAbort([customerNotFound()]);
    return customer;
  }
}
