import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { ApiKeyRole } from '../entities/enums';
import { RequestContext, principalOf } from '../graphql/context';
import { AccessCustomerInput } from '../graphql/inputs/access.inputs';
import { AccessCustomerPayload, AccessTokenVerification } from '../graphql/types/access.type';
import { CustomerAccount } from '../graphql/types/customer-account.type';
import { Msp } from '../graphql/types/msp.type';

@Resolver()
export class AccessResolver {
  @Authorized(ApiKeyRole.MSP_ADMIN)
  @Mutation(() => AccessCustomerPayload, {
    description:
      'Grants 15 minutes of access to one of your current customer accounts without its credentials: open `url` in the app. Every grant is audited (ACCESS_GRANTED).',
  })
  async accessCustomer(
    @Arg('input', { description: 'The customer to open.' }) input: AccessCustomerInput,
    @Ctx() context: RequestContext,
  ): Promise<AccessCustomerPayload> {
    const outcome = await context.services.access.grant(principalOf(context), input.customerId);
    if (!outcome.ok) return Object.assign(new AccessCustomerPayload(), { token: null, expiresAt: null, url: null, userErrors: outcome.errors });
    return Object.assign(new AccessCustomerPayload(), { ...outcome.value, userErrors: [] });
  }

  @Authorized(ApiKeyRole.APP, ApiKeyRole.STAFF)
  @Query(() => AccessTokenVerification, {
    description:
      'Checks an access token from `accessCustomer` (APP and STAFF keys). Tampered, expired or foreign tokens, and tokens for a customer since removed or moved to another MSP, are not valid.',
  })
  async verifyAccessToken(
    @Arg('token', { description: 'The token from the access link.' }) token: string,
    @Ctx() context: RequestContext,
  ): Promise<AccessTokenVerification> {
    const verified = await context.services.access.verify(token);
    if (!verified) return Object.assign(new AccessTokenVerification(), { valid: false, customer: null, msp: null, expiresAt: null });
    // The grant is what lets this caller see the customer and its MSP (an APP key has no tenant).
    const { customer, msp, expiresAt } = verified;
    context.loaders.msp.prime(msp.id, msp);
    context.loaders.customer.prime(customer.id, customer);
    context.loaders.customerByAccountNumber.prime(customer.accountNumber, customer);
    return Object.assign(new AccessTokenVerification(), {
      valid: true,
      customer: new CustomerAccount(customer, context.now),
      msp: new Msp(msp),
      expiresAt,
    });
  }
}
