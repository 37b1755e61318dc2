import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import { RequestContext, principalOf } from '../graphql/context';
import { ApiKey } from '../graphql/types/api-key.type';
import { AuditEvent } from '../graphql/types/audit-event.type';
import { SupportRequest } from '../graphql/types/support-request.type';
import { CustomerAccount } from '../graphql/types/customer-account.type';
import { MonitoredUser } from '../graphql/types/monitored-user.type';
import { Msp } from '../graphql/types/msp.type';
import { Node } from '../graphql/types/node.type';
import { WebhookEndpoint } from '../graphql/types/webhook.type';
import { fromGlobalId } from '../services/global-id';
import { AppError } from '../services/errors';
import { READERS } from './roles';

const MAX_NODES = 100;

@Resolver()
export class NodeResolver {
  @Authorized(READERS)
  @Query(() => Node, { nullable: true, description: 'The object with this global id, or null when the caller cannot see one.' })
  async node(
    @Arg('id', () => ID, { description: 'A global id.' }) id: string,
    @Ctx() context: RequestContext,
  ): Promise<Node | null> {
    return this.load(id, context);
  }

  @Authorized(READERS)
  @Query(() => [Node], { nullable: 'items', description: 'The objects with these global ids (at most 100), in order; null for each the caller cannot see.' })
  async nodes(
    @Arg('ids', () => [ID], { description: 'Global ids, at most 100.' }) ids: string[],
    @Ctx() context: RequestContext,
  ): Promise<Array<Node | null>> {
    if (ids.length > MAX_NODES) throw new AppError('BAD_USER_INPUT', `\`nodes\` takes at most ${MAX_NODES} ids.`);
    return Promise.all(ids.map((id) => this.load(id, context)));
  }

  private async load(id: string, context: RequestContext): Promise<Node | null> {
    const parsed = fromGlobalId(id);
    if (!parsed) return null;
    switch (parsed.type) {
      case 'Msp': {
        const msp = await context.loaders.mspByAccountNumber.load(parsed.key);
        return msp ? new Msp(msp) : null;
      }
      case 'CustomerAccount': {
        const customer = await context.loaders.customerByAccountNumber.load(parsed.key);
        return customer ? new CustomerAccount(customer, context.now) : null;
      }
      case 'MonitoredUser': {
        const found = await context.loaders.monitoredUser.load(Number(parsed.key));
        return found ? new MonitoredUser(found.user) : null;
      }
      case 'SupportRequest': {
        const view = (await context.services.supportRequestList.findByIds(principalOf(context), [Number(parsed.key)])).get(Number(parsed.key));
        return view ? new SupportRequest(view, context.now) : null;
      }
      case 'ApiKey': {
        const key = await context.services.apiKeys.findVisible(principalOf(context), Number(parsed.key));
        return key ? new ApiKey(key) : null;
      }
      case 'AuditEvent': {
        const event = await context.services.audit.findVisible(principalOf(context), Number(parsed.key));
        return event ? new AuditEvent(event) : null;
      }
      case 'WebhookEndpoint': {
        const endpoint = await context.services.webhookEndpoints.findVisible(principalOf(context), Number(parsed.key));
        return endpoint ? new WebhookEndpoint(endpoint) : null;
      }
      // Deliveries and events are reached through their endpoint and `Msp.events`.
      case 'WebhookDelivery':
      case 'WebhookEvent':
        return null;
    }
  }
}
