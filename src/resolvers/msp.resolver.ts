import { MaxLength } from 'class-validator';
import { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, ArgsType, Authorized, Ctx, Field, FieldResolver, Info, Int, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { ApiKeyRole } from '../entities/enums';
import { RequestContext, principalOf } from '../graphql/context';
import { ConnectionArgs } from '../graphql/inputs/connection.args';
import { CustomersArgs } from '../graphql/inputs/customer.inputs';
import { connectionTypes } from '../graphql/types/connection';
import { CustomerAccount, FIELDS_BEYOND_LISTED } from '../graphql/types/customer-account.type';
import { fieldNamesOf } from '../graphql/operation-fields';
import { CustomerCounts, Msp } from '../graphql/types/msp.type';
import { CustomerPage } from '../services/customers/customer-list.service';
import { Page } from '../services/pagination';
import { AccountEntity } from '../entities';
import { recordRefusal } from '../graphql/refusal-audit';
import { READERS } from './roles';

@ObjectType('CustomerAccountConnection', { description: "A page of an MSP's customers." })
export class CustomerAccountConnection extends connectionTypes(CustomerAccount, 'CustomerAccount', 'customer account') {
  constructor(
    page: CustomerPage,
    now: Date,
  ) {
    super(page, (row: AccountEntity) => new CustomerAccount(row, now), () => page.totalCount());
    this.monitoredUserTotalOf = () => page.monitoredUserTotal();
  }

  private readonly monitoredUserTotalOf: () => Promise<number>;

  @Field(() => Int, { description: 'Monitored users of every customer in the whole filtered list (expired trials count at most 3 each).' })
  get monitoredUserTotal(): Promise<number> {
    return this.monitoredUserTotalOf();
  }
}

@ObjectType('MspConnection', { description: 'A page of MSPs.' })
export class MspConnection extends connectionTypes(Msp, 'Msp', 'MSP') {
  constructor(page: Page<AccountEntity>, count: () => Promise<number>) {
    super(page, (row: AccountEntity) => new Msp(row), count);
  }
}

@ArgsType()
class MspsArgs extends ConnectionArgs {
  @Field(() => String, { nullable: true, description: 'Case-insensitive substring of the name or admin email, or an exact account number.' })
  @MaxLength(1000)
  search?: string | null;
}

@Resolver(() => Msp)
export class MspResolver {
  @Authorized(READERS)
  @Query(() => Msp, {
    nullable: true,
    description: "The caller's MSP. Staff keys must name one by account number; an MSP key naming another MSP gets null.",
  })
  async msp(
    @Arg('accountNumber', () => String, { nullable: true, description: "The MSP's account number (required for staff keys)." })
    accountNumber: string | null,
    @Ctx() context: RequestContext,
  ): Promise<Msp | null> {
    const msp = await context.services.msps.findForPrincipal(principalOf(context), accountNumber, context.principalMsp);
    return msp ? new Msp(msp) : null;
  }

  @Authorized(ApiKeyRole.STAFF)
  @Query(() => MspConnection, { description: 'Every MSP, by name (staff only).' })
  async msps(@Args() args: MspsArgs, @Ctx() context: RequestContext): Promise<MspConnection> {
    const page = await context.services.msps.list(args.search, args);
    return new MspConnection(page, page.totalCount);
  }

  @Authorized(READERS)
  @FieldResolver(() => CustomerAccountConnection, {
    description: "The MSP's current customers (staff: removed ones too with `includeRemoved`), filtered and sorted; default order CREATED_AT DESC.",
  })
  async customers(@Root() msp: Msp, @Args() args: CustomersArgs, @Ctx() context: RequestContext, @Info() info: GraphQLResolveInfo): Promise<CustomerAccountConnection> {
    // Read with fewer columns unless the operation asks anywhere for a field that needs the rest
    // (anywhere: the rows also reach loaders other fields of the operation read from).
    const names = fieldNamesOf(info);
    const columns = [...FIELDS_BEYOND_LISTED].some((name) => names.has(name)) ? 'all' : 'listed';
    const page = await context.services.customerList.listCustomers(
      principalOf(context),
      msp.entity.id,
      { state: args.state, search: args.search, includeRemoved: args.includeRemoved },
      args.orderBy,
      args,
      { totalsOf: (mspId) => context.loaders.totals.load(mspId), refused: (field, allowed) => recordRefusal(context, field, allowed), columns },
    );
    return new CustomerAccountConnection(page, context.now);
  }

  @Authorized(READERS)
  @FieldResolver(() => CustomerCounts, { description: 'Current customers in each dashboard tab.' })
  async customerCounts(@Root() msp: Msp, @Ctx() context: RequestContext): Promise<CustomerCounts> {
    const totals = await context.loaders.totals.load(msp.entity.id);
    return Object.assign(new CustomerCounts(), {
      paid: totals.paid,
      activeTrials: totals.activeTrials,
      expiredTrials: totals.expiredTrials,
      total: totals.paid + totals.activeTrials + totals.expiredTrials,
    });
  }

  @Authorized(READERS)
  @FieldResolver(() => Int, {
    description: 'Monitored users of paid customers: what the MSP is billed for (the dashboard\'s "Active Users"). Trials never count.',
  })
  async billableMonitoredUsers(@Root() msp: Msp, @Ctx() context: RequestContext): Promise<number> {
    return (await context.loaders.totals.load(msp.entity.id)).paidUsers;
  }

  @Authorized(READERS)
  @FieldResolver(() => Int, { description: 'Monitored users across all active trials (the Active Trials list-view total).' })
  async activeTrialMonitoredUsers(@Root() msp: Msp, @Ctx() context: RequestContext): Promise<number> {
    return (await context.loaders.totals.load(msp.entity.id)).activeTrialUsers;
  }

  @Authorized(READERS)
  @FieldResolver(() => Int, { description: 'Monitored users across all expired trials, at most 3 each (Freemium).' })
  async expiredTrialMonitoredUsers(@Root() msp: Msp, @Ctx() context: RequestContext): Promise<number> {
    return (await context.loaders.totals.load(msp.entity.id)).expiredTrialUsers;
  }
}
