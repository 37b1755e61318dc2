import { READERS } from './roles';
import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ApiKeyRole } from '../entities/enums';
import { RequestContext, principalOf } from '../graphql/context';
import {
  ApproveSupportRequestInput,
  RejectSupportRequestInput,
  RequestRemovalInput,
  RequestTrialExtensionInput,
  RequestUpgradeInput,
  SupportRequestsArgs,
} from '../graphql/inputs/support-request.inputs';
import { Msp } from '../graphql/types/msp.type';
import { payloadParts } from '../graphql/types/payloads.type';
import {
  ApproveSupportRequestPayload,
  RejectSupportRequestPayload,
  RequestRemovalPayload,
  RequestTrialExtensionPayload,
  RequestUpgradePayload,
  SupportRequest,
  SupportRequestConnection,
} from '../graphql/types/support-request.type';
import { Outcome } from '../services/errors';
import { SupportRequestView } from '../services/support/support-request-list.service';

/** The payload parts of a support-request mutation. */
function payload(outcome: Outcome<SupportRequestView>, context: RequestContext) {
  const now = context.services.clock.now();
  const { value, userErrors } = payloadParts(outcome, (view) => new SupportRequest(view, now));
  return { supportRequest: value, userErrors };
}

@Resolver(() => Msp)
export class SupportRequestResolver {
  @Authorized(READERS)
  @FieldResolver(() => SupportRequestConnection, {
    name: 'supportRequests',
    description: "The support requests the MSP filed, newest first; optionally only those in one status.",
  })
  async mspSupportRequests(@Root() msp: Msp, @Args() args: SupportRequestsArgs, @Ctx() context: RequestContext): Promise<SupportRequestConnection> {
    const page = await context.services.supportRequestList.list(principalOf(context), msp.entity.id, args.status, args);
    return new SupportRequestConnection(page, context.now);
  }

  @Authorized(ApiKeyRole.STAFF)
  @Query(() => SupportRequestConnection, { description: "Every MSP's support requests, newest first (staff only); optionally only those in one status." })
  async supportRequests(@Args() args: SupportRequestsArgs, @Ctx() context: RequestContext): Promise<SupportRequestConnection> {
    const page = await context.services.supportRequestList.list(principalOf(context), null, args.status, args);
    return new SupportRequestConnection(page, context.now);
  }

  @Authorized(ApiKeyRole.MSP_ADMIN)
  @Mutation(() => RequestUpgradePayload, {
    description: 'Asks support to upgrade one of your trials (active or expired) to a paid subscription. Paid already: ALREADY_PAID.',
  })
  async requestUpgrade(@Arg('input', { description: 'The request.' }) input: RequestUpgradeInput, @Ctx() context: RequestContext): Promise<RequestUpgradePayload> {
    return payload(await context.services.supportRequests.requestUpgrade(principalOf(context), input), context);
  }

  @Authorized(ApiKeyRole.MSP_ADMIN)
  @Mutation(() => RequestTrialExtensionPayload, {
    description: 'Asks support to extend one of your trials, active or expired, by 1 to 90 days. Paid: NOT_A_TRIAL.',
  })
  async requestTrialExtension(
    @Arg('input', { description: 'The request.' }) input: RequestTrialExtensionInput,
    @Ctx() context: RequestContext,
  ): Promise<RequestTrialExtensionPayload> {
    return payload(await context.services.supportRequests.requestTrialExtension(principalOf(context), input), context);
  }

  @Authorized(ApiKeyRole.MSP_ADMIN)
  @Mutation(() => RequestRemovalPayload, {
    description: 'Asks support to remove one of your expired trials. Anything else: NOT_EXPIRED.',
  })
  async requestRemoval(@Arg('input', { description: 'The request.' }) input: RequestRemovalInput, @Ctx() context: RequestContext): Promise<RequestRemovalPayload> {
    return payload(await context.services.supportRequests.requestRemoval(principalOf(context), input), context);
  }

  @Authorized(ApiKeyRole.STAFF)
  @Mutation(() => ApproveSupportRequestPayload, {
    description:
      "Approves an open support request and performs it in the same transaction (staff only). If the operation's rules refuse it now, the payload carries that user error and the request stays OPEN.",
  })
  async approveSupportRequest(
    @Arg('input', { description: 'The request to approve.' }) input: ApproveSupportRequestInput,
    @Ctx() context: RequestContext,
  ): Promise<ApproveSupportRequestPayload> {
    return payload(await context.services.supportRequests.approve(principalOf(context), input), context);
  }

  @Authorized(ApiKeyRole.STAFF)
  @Mutation(() => RejectSupportRequestPayload, { description: 'Rejects an open support request (staff only); nothing is performed.' })
  async rejectSupportRequest(
    @Arg('input', { description: 'The request to reject.' }) input: RejectSupportRequestInput,
    @Ctx() context: RequestContext,
  ): Promise<RejectSupportRequestPayload> {
    return payload(await context.services.supportRequests.reject(principalOf(context), input), context);
  }
}
