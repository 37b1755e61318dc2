import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { ApiKeyRole } from '../entities/enums';
import { AccountEntity } from '../entities';
import { RequestContext, principalOf } from '../graphql/context';
import {
  LinkStandaloneAccountInput,
  PurgeCustomerInput,
  RemoveCustomerInput,
  RestoreCustomerInput,
  SetLicensedSeatsInput,
  SetTrialEndInput,
  UpgradeToPaidInput,
} from '../graphql/inputs/staff.inputs';
import { CustomerAccount } from '../graphql/types/customer-account.type';
import { payloadParts } from '../graphql/types/payloads.type';
import {
  LinkStandaloneAccountPayload,
  PurgeCustomerPayload,
  RemoveCustomerPayload,
  RestoreCustomerPayload,
  SetLicensedSeatsPayload,
  SetTrialEndPayload,
  UpgradeToPaidPayload,
} from '../graphql/types/staff-payloads.type';
import { Outcome } from '../services/errors';

/** `{ customer, userErrors }` from a staff operation's outcome, as of the clock's now. */
function customerPayload(outcome: Outcome<AccountEntity>, context: RequestContext) {
  const { value, userErrors } = payloadParts(outcome, (customer) => new CustomerAccount(customer, context.services.clock.now()));
  return { customer: value, userErrors };
}

/** Vendor support's operations on customers (STAFF keys only). */
@Resolver()
export class StaffOperationsResolver {
  @Authorized(ApiKeyRole.STAFF)
  @Mutation(() => UpgradeToPaidPayload, {
    description:
      'Turns a trial (active or expired) into a paid subscription with the given seats; its monitored users count as billable at once. Staff only.',
  })
  async upgradeToPaid(@Arg('input', { description: 'The trial and its seats.' }) input: UpgradeToPaidInput, @Ctx() context: RequestContext): Promise<UpgradeToPaidPayload> {
    return customerPayload(await context.services.staffOperations.upgradeToPaid(principalOf(context), input), context);
  }

  @Authorized(ApiKeyRole.STAFF)
  @Mutation(() => SetLicensedSeatsPayload, { description: "Changes a paid customer's licensed seats. Staff only." })
  async setLicensedSeats(
    @Arg('input', { description: 'The paid customer and its seats.' }) input: SetLicensedSeatsInput,
    @Ctx() context: RequestContext,
  ): Promise<SetLicensedSeatsPayload> {
    return customerPayload(await context.services.staffOperations.setLicensedSeats(principalOf(context), input), context);
  }

  @Authorized(ApiKeyRole.STAFF)
  @Mutation(() => SetTrialEndPayload, {
    description:
      "Moves a trial's end: later extends it (an expired trial becomes active again and all its users count again); a time already past ends it. Staff only.",
  })
  async setTrialEnd(@Arg('input', { description: 'The trial and its new end.' }) input: SetTrialEndInput, @Ctx() context: RequestContext): Promise<SetTrialEndPayload> {
    return customerPayload(await context.services.staffOperations.setTrialEnd(principalOf(context), input), context);
  }

  @Authorized(ApiKeyRole.STAFF)
  @Mutation(() => RemoveCustomerPayload, {
    description:
      "Removes a customer (a soft delete): it leaves its MSP's lists, counts and totals, and its organization name and external id are free again; its row, users and email stay. A paid customer needs a reason. Staff only.",
  })
  async removeCustomer(@Arg('input', { description: 'The customer and why.' }) input: RemoveCustomerInput, @Ctx() context: RequestContext): Promise<RemoveCustomerPayload> {
    return customerPayload(await context.services.staffOperations.removeCustomer(principalOf(context), input), context);
  }

  @Authorized(ApiKeyRole.STAFF)
  @Mutation(() => RestoreCustomerPayload, { description: 'Lists a removed customer again, with its users back in the totals (not once purged: CUSTOMER_PURGED). Staff only.' })
  async restoreCustomer(@Arg('input', { description: 'The removed customer.' }) input: RestoreCustomerInput, @Ctx() context: RequestContext): Promise<RestoreCustomerPayload> {
    return customerPayload(await context.services.staffOperations.restoreCustomer(principalOf(context), input), context);
  }

  @Authorized(ApiKeyRole.STAFF)
  @Mutation(() => PurgeCustomerPayload, {
    description:
      "Replaces a removed customer's personal data (admin email, organization name, external id, its users' identities and names) with anonymous placeholders; counts and the audit trail stay, and the email is free again. Cannot be undone. Staff only.",
  })
  async purgeCustomer(@Arg('input', { description: 'The removed customer.' }) input: PurgeCustomerInput, @Ctx() context: RequestContext): Promise<PurgeCustomerPayload> {
    return customerPayload(await context.services.staffOperations.purgeCustomer(principalOf(context), input), context);
  }

  @Authorized(ApiKeyRole.STAFF)
  @Mutation(() => LinkStandaloneAccountPayload, {
    description: 'Makes a standalone account (made on the sign-up page) a customer of an MSP, keeping its plan and trial. Staff only.',
  })
  async linkStandaloneAccount(
    @Arg('input', { description: 'The standalone account and the MSP.' }) input: LinkStandaloneAccountInput,
    @Ctx() context: RequestContext,
  ): Promise<LinkStandaloneAccountPayload> {
    return customerPayload(await context.services.staffOperations.linkStandaloneAccount(principalOf(context), input), context);
  }
}
