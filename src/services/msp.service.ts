import { Database } from '../database/data-source';
import { AccountEntity, AccountKind, ApiKeyRole, StoredPlan } from '../entities';
import { insertAccount } from './account-insert';
import { ApiKeyService, NewApiKey } from './api-key.service';
import { Clock, DAY_MS } from './clock';
import { AppError, Outcome, runOutcome } from './errors';
import { checkEmail, checkOrganizationName, isUserError } from './text/text-rules';
import { Page, PageArgs, cursorValues, encodeCursor, resolvePage, toPage, readKeysetRows } from './pagination';
import { Principal, isStaff } from './principal';
import { RollupService } from './subscription/rollup.service';
import { whereAccountMatches } from './search';

export interface NewMsp {
  msp: AccountEntity;
  apiKey: NewApiKey;
}

/** MSP parent accounts, and standalone accounts from the public sign-up page. */
export class MspService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly rollups: RollupService,
    private readonly apiKeys: ApiKeyService,
    private readonly trialLengthDays: number,
  ) {}

  /**
   * Creates an MSP with its rollup and first MSP_ADMIN key, all or nothing.
   * User errors: INVALID_ORGANIZATION_NAME (on `name`), INVALID_EMAIL, EMAIL_TAKEN.
   */
  async createMsp(name: string, adminEmail: string): Promise<Outcome<NewMsp>> {
    const checked = this.checkNameAndEmail(name, adminEmail);
    if (!checked.ok) return checked;
    return runOutcome(() =>
      this.db.transaction(async (manager) => {
        const msp = await insertAccount(this.db, manager, {
          ...this.accountValues(checked.value),
          kind: AccountKind.MSP,
          plan: StoredPlan.PAID,
          trialEndsAt: null,
        });
        await this.rollups.create(manager, msp.id);
        const apiKey = await this.apiKeys.create(manager, ApiKeyRole.MSP_ADMIN, msp.id, 'Initial admin key');
        return { msp, apiKey };
      }),
    );
  }

  /**
   * What the public sign-up page does: a STANDALONE trial account, linked to no MSP.
   * User errors as `createMsp`.
   */
  async signup(name: string, adminEmail: string): Promise<Outcome<AccountEntity>> {
    const checked = this.checkNameAndEmail(name, adminEmail);
    if (!checked.ok) return checked;
    return runOutcome(() =>
      this.db.transaction(async (manager) => {
        const now = this.clock.now();
        return insertAccount(this.db, manager, {
          ...this.accountValues(checked.value),
          kind: AccountKind.STANDALONE,
          plan: StoredPlan.TRIAL,
          trialEndsAt: new Date(now.getTime() + this.trialLengthDays * DAY_MS),
        });
      }),
    );
  }

  /**
   * The MSP a caller asks for. An MSP key sees only its own (another number: null); staff must
   * name one (BAD_USER_INPUT otherwise). `own`, the caller's MSP as read with its key, answers
   * without another read when it is the one asked for.
   */
  async findForPrincipal(principal: Principal, accountNumber: string | null | undefined, own: AccountEntity | null = null): Promise<AccountEntity | null> {
    if (own && own.id === principal.mspId && (!accountNumber || accountNumber === own.accountNumber)) return own;
    if (isStaff(principal)) {
      if (!accountNumber) throw new AppError('BAD_USER_INPUT', 'Staff keys must name the MSP: pass `accountNumber`.');
      return this.db.manager.findOne(AccountEntity, { where: { accountNumber, kind: AccountKind.MSP } });
    }
    if (principal.mspId === null) return null;
    const msp = await this.db.manager.findOne(AccountEntity, { where: { id: principal.mspId, kind: AccountKind.MSP } });
    return msp && (!accountNumber || msp.accountNumber === accountNumber) ? msp : null;
  }

  async findById(id: number): Promise<AccountEntity | null> {
    return this.db.manager.findOne(AccountEntity, { where: { id, kind: AccountKind.MSP } });
  }

  async findByAccountNumber(accountNumber: string): Promise<AccountEntity | null> {
    return this.db.manager.findOne(AccountEntity, { where: { accountNumber, kind: AccountKind.MSP } });
  }

  /** MSPs by name, for staff: `search` matches name, admin email or the exact account number. */
  async list(search: string | null | undefined, args: PageArgs): Promise<Page<AccountEntity> & { totalCount: () => Promise<number> }> {
    const request = resolvePage(args, 'MSP_NAME', cursorValues.text);
    const base = () => {
      const query = this.db.manager.createQueryBuilder(AccountEntity, 'a').where('a.kind = :kind', { kind: AccountKind.MSP });
      whereAccountMatches(query, search);
      return query;
    };
    const rows = await readKeysetRows(base(), request, { column: 'a.name_normalized', id: 'a.id', direction: 'ASC' });
    const page = toPage(rows, request, (row) => encodeCursor('MSP_NAME', { value: row.nameNormalized, id: row.id }));
    return { ...page, totalCount: () => base().getCount() };
  }

  private checkNameAndEmail(name: string, adminEmail: string): Outcome<{ name: string; nameKey: string; email: string; emailKey: string }> {
    const checkedName = checkOrganizationName(name, 'name');
    const checkedEmail = checkEmail(adminEmail);
    const errors = [checkedName, checkedEmail].filter(isUserError);
    if (errors.length > 0 || isUserError(checkedName) || isUserError(checkedEmail)) return { ok: false, errors };
    return { ok: true, value: { name: checkedName.text, nameKey: checkedName.key, email: checkedEmail.email, emailKey: checkedEmail.key } };
  }

  private accountValues(checked: { name: string; nameKey: string; email: string; emailKey: string }) {
    return {
      mspId: null,
      name: checked.name,
      nameNormalized: checked.nameKey,
      nameKey: null,
      adminEmail: checked.email,
      adminEmailKey: checked.emailKey,
      adminEmailVerifiedAt: null,
      externalId: null,
      externalIdKey: null,
      licensedSeats: null,
      userCount: 0,
      removedAt: null,
      removalReason: null,
      purgedAt: null,
      createdAt: this.clock.now(),
    };
  }
}
