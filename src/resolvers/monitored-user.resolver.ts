import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { RequestContext, principalOf } from '../graphql/context';
import { RegisterMonitoredUserInput, RemoveMonitoredUserInput } from '../graphql/inputs/customer.inputs';
import { MonitoredUser } from '../graphql/types/monitored-user.type';
import { RegisterMonitoredUserPayload, RemoveMonitoredUserPayload, payloadParts } from '../graphql/types/payloads.type';
import { WRITERS } from './roles';

@Resolver(() => MonitoredUser)
export class MonitoredUserResolver {
  @Authorized(WRITERS)
  @Mutation(() => RegisterMonitoredUserPayload, {
    description:
      'Registers a user on a customer account, or records that a registered one was seen. A Freemium account refuses a 4th user (FREEMIUM_LIMIT_REACHED).',
  })
  async registerMonitoredUser(
    @Arg('input', { description: 'The user to register.' }) input: RegisterMonitoredUserInput,
    @Ctx() context: RequestContext,
  ): Promise<RegisterMonitoredUserPayload> {
    const outcome = await context.services.monitoredUsers.register(principalOf(context), input);
    const { value, userErrors } = payloadParts(outcome, (user) => new MonitoredUser(user));
    return { monitoredUser: value, userErrors };
  }

  @Authorized(WRITERS)
  @Mutation(() => RemoveMonitoredUserPayload, { description: 'Removes a monitored user from its customer account.' })
  async removeMonitoredUser(
    @Arg('input', { description: 'The user to remove.' }) input: RemoveMonitoredUserInput,
    @Ctx() context: RequestContext,
  ): Promise<RemoveMonitoredUserPayload> {
    const outcome = await context.services.monitoredUsers.remove(principalOf(context), input.id);
    const { value, userErrors } = payloadParts(outcome, (user) => new MonitoredUser(user));
    return { monitoredUser: value, userErrors };
  }

  @FieldResolver(() => Boolean, {
    description: 'Whether the user is monitored now: on Freemium only the first 3 by first seen are; the others count again on a trial or paid plan.',
  })
  async monitored(@Root() user: MonitoredUser, @Ctx() context: RequestContext): Promise<boolean> {
    return context.services.monitoredUsers.isMonitored(user.entity, context.now, context.loaders);
  }
}
