import { CustomerResolver } from './customer.resolver';
import { MonitoredUserResolver } from './monitored-user.resolver';
import { MspResolver } from './msp.resolver';
import { NodeResolver } from './node.resolver';

export const resolvers = [MspResolver, CustomerResolver, MonitoredUserResolver, NodeResolver] as const;
