import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { ApiKeyRole } from '../entities/enums';
import { MonitoredUserEntity } from '../entities';
import { RequestContext, principalOf } from '../graphql/context';
import { ConnectionArgs } from '../graphql/inputs/connection.args';
import { AddCustomerInput } from '../graphql/inputs/customer.inputs';
import { connectionTypes } from '../graphql/types/connection';
import { CustomerAccount } from '../graphql/types/customer-account.type';
import { EmailAvailability } from '../graphql/types/email-availability.type';
import { MonitoredUser } from '../graphql/types/monitored-user.type';
import { Msp } from '../graphql/types/msp.type';
import { AddCustomerPayload, payloadParts } from '../graphql/types/payloads.type';
import { Page } from '../services/pagination';
import { EmailUnavailableReason } from '../graphql/enums';
import { READERS, WRITERS } from './roles';

@ObjectType('MonitoredUserConnection', { description: "A page of a customer's monitored users, in the order they were first seen." })
export class MonitoredUserConnection extends connectionTypes(MonitoredUser, 'MonitoredUser', 'monitored user') {
  constructor(page: Page<MonitoredUserEntity>, totalCount: number) {
    super(page, (row: MonitoredUserEntity) => new MonitoredUser(row), () => totalCount);
  }
}

@Resolver(() => CustomerAccount)
export class CustomerResolver {
  @Authorized(READERS)
  @Query(() => CustomerAccount, { nullable: true, description: "A current customer of the caller's MSP by account number (staff: any MSP's, removed ones too); null when there is none." })
  async customer(
    @Arg('accountNumber', { description: "The customer's account number." }) accountNumber: string,
    @Ctx() context: RequestContext,
  ): Promise<CustomerAccount | null> {
    const customer = await context.loaders.customerByAccountNumber.load(accountNumber.trim());
    return customer ? new CustomerAccount(customer, context.now) : null;
  }

  @Authorized(WRITERS)
  @Query(() => EmailAvailability, { description: 'Whether an address can be the admin email of a new customer (admin emails are unique across all accounts).' })
  async checkAdminEmailAvailability(
    @Arg('email', { description: 'The address to check.' }) email: string,
    @Ctx() context: RequestContext,
  ): Promise<EmailAvailability> {
    const result = await context.services.customers.emailAvailability(email);
    return Object.assign(new EmailAvailability(), { available: result.available, reason: result.reason as EmailUnavailableReason | null });
  }

  @Authorized(ApiKeyRole.MSP_ADMIN)
  @Mutation(() => AddCustomerPayload, {
    description: 'Adds a customer account to your MSP. It starts as an active trial and shows in your lists, counts and totals at once.',
  })
  async addCustomer(@Arg('input', { description: 'The new customer.' }) input: AddCustomerInput, @Ctx() context: RequestContext): Promise<AddCustomerPayload> {
    const outcome = await context.services.customers.addCustomer(principalOf(context), input);
    const { value, userErrors } = payloadParts(outcome, (customer) => new CustomerAccount(customer, context.services.clock.now()));
    return { customer: value, userErrors };
  }

  @FieldResolver(() => Msp, { description: 'The MSP the customer belongs to.' })
  async msp(@Root() customer: CustomerAccount, @Ctx() context: RequestContext): Promise<Msp> {
    // The caller's own MSP is primed in the loader: no read.
    const msp = await context.loaders.msp.load(customer.entity.mspId as number);
    if (!msp) throw new Error(`customer ${customer.entity.id} has no visible MSP`);
    return new Msp(msp);
  }

  @FieldResolver(() => MonitoredUserConnection, { description: 'The users registered with the account, monitored or not, in the order first seen.' })
  async monitoredUsers(@Root() customer: CustomerAccount, @Args() args: ConnectionArgs, @Ctx() context: RequestContext): Promise<MonitoredUserConnection> {
    const page = await context.services.monitoredUsers.usersOf(customer.entity, args, context.loaders);
    return new MonitoredUserConnection(page, customer.entity.userCount);
  }
}

