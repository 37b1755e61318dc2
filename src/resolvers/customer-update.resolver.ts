import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { ApiKeyRole } from '../entities/enums';
import { RequestContext, principalOf } from '../graphql/context';
import { UpdateCustomerInput } from '../graphql/inputs/update-customer.inputs';
import { CustomerAccount } from '../graphql/types/customer-account.type';
import { payloadParts } from '../graphql/types/payloads.type';
import { UpdateCustomerPayload } from '../graphql/types/update-customer-payload.type';

@Resolver()
export class CustomerUpdateResolver {
  @Authorized(ApiKeyRole.MSP_ADMIN)
  @Mutation(() => UpdateCustomerPayload, {
    description:
      "Renames one of your customers, sets or clears its external id, or corrects its admin email while unverified (a new verification email goes out). Same rules as `addCustomer`.",
  })
  async updateCustomer(
    @Arg('input', { description: 'The customer and what to change.' }) input: UpdateCustomerInput,
    @Ctx() context: RequestContext,
  ): Promise<UpdateCustomerPayload> {
    const outcome = await context.services.customerUpdates.updateCustomer(principalOf(context), input);
    const { value, userErrors } = payloadParts(outcome, (customer) => new CustomerAccount(customer, context.services.clock.now()));
    return { customer: value, userErrors };
  }
}
