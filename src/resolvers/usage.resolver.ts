import { DateResolver } from 'graphql-scalars';
import { Arg, Authorized, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import { ApiKeyRole } from '../entities/enums';
import { RequestContext, principalOf } from '../graphql/context';
import { Msp } from '../graphql/types/msp.type';
import { UsageDay } from '../graphql/types/usage.type';
import { READERS } from './roles';

@Resolver(() => Msp)
export class UsageResolver {
  @Authorized(READERS)
  @FieldResolver(() => [UsageDay], {
    description: 'Usage per UTC day from `from` to `to` (inclusive, at most 92 days; else BAD_USER_INPUT), from the daily snapshots: to reconcile an invoice.',
  })
  async usage(
    @Root() msp: Msp,
    @Arg('from', () => DateResolver, { description: 'The first day (UTC), e.g. 2026-03-01.' }) from: Date,
    @Arg('to', () => DateResolver, { description: 'The last day (UTC), included.' }) to: Date,
    @Ctx() context: RequestContext,
  ): Promise<UsageDay[]> {
    return (await context.services.usage.usage(msp.entity.id, from, to)).map((day) => new UsageDay(day));
  }

  @Authorized(ApiKeyRole.STAFF)
  @Mutation(() => Int, {
    description: "Staff: takes today's usage snapshot of every current customer now (replacing today's), e.g. after a correction. Returns how many customers. Audited (USAGE_SNAPSHOT_RECORDED).",
  })
  async recordUsageSnapshot(@Ctx() context: RequestContext): Promise<number> {
    return context.services.usage.recordOnDemand(principalOf(context));
  }
}
