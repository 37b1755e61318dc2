import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { ApiKeyRole } from '../entities/enums';
import { RequestContext, principalOf } from '../graphql/context';
import { ResendVerificationEmailInput, VerifyAdminEmailInput } from '../graphql/inputs/email-verification.inputs';
import { CustomerAccount } from '../graphql/types/customer-account.type';
import { ResendVerificationEmailPayload, VerifyAdminEmailPayload } from '../graphql/types/email-verification-payloads.type';
import { payloadParts } from '../graphql/types/payloads.type';

@Resolver()
export class EmailVerificationResolver {
  /** No @Authorized: the one operation without a key (the auth gate lets it through alone). */
  @Mutation(() => VerifyAdminEmailPayload, {
    description:
      'Marks an admin email verified from the token of the emailed link. Needs no API key. A link works once, for 7 days, and only for the address it was sent to; otherwise INVALID_TOKEN.',
  })
  async verifyAdminEmail(
    @Arg('input', { description: 'The token from the link.' }) input: VerifyAdminEmailInput,
    @Ctx() context: RequestContext,
  ): Promise<VerifyAdminEmailPayload> {
    const outcome = await context.services.verification.verify(input.token, { requestId: context.requestId, clientAddress: context.clientAddress });
    return { verified: outcome.ok, userErrors: outcome.ok ? [] : outcome.errors };
  }

  @Authorized(ApiKeyRole.MSP_ADMIN)
  @Mutation(() => ResendVerificationEmailPayload, {
    description: "Sends a customer's admin a new verification link (valid 7 days). EMAIL_ALREADY_VERIFIED once verified.",
  })
  async resendVerificationEmail(
    @Arg('input', { description: 'The customer.' }) input: ResendVerificationEmailInput,
    @Ctx() context: RequestContext,
  ): Promise<ResendVerificationEmailPayload> {
    const outcome = await context.services.customerUpdates.resendVerificationEmail(principalOf(context), input.customerId);
    const { value, userErrors } = payloadParts(outcome, (customer) => new CustomerAccount(customer, context.services.clock.now()));
    return { customer: value, userErrors };
  }
}
