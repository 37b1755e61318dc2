import { AccessResolver } from './access.resolver';
import { ApiKeyResolver } from './api-key.resolver';
import { AuditResolver } from './audit.resolver';
import { CustomerResolver } from './customer.resolver';
import { CustomerUpdateResolver } from './customer-update.resolver';
import { EmailVerificationResolver } from './email-verification.resolver';
import { MonitoredUserResolver } from './monitored-user.resolver';
import { MspResolver } from './msp.resolver';
import { NodeResolver } from './node.resolver';
import { StaffOperationsResolver } from './staff-operations.resolver';
import { SupportRequestResolver } from './support-request.resolver';
import { UsageResolver } from './usage.resolver';
import { MspWebhookResolver, WebhookResolver } from './webhook.resolver';

export const resolvers = [
  MspResolver,
  CustomerResolver,
  CustomerUpdateResolver,
  MonitoredUserResolver,
  NodeResolver,
  StaffOperationsResolver,
  SupportRequestResolver,
  EmailVerificationResolver,
  AccessResolver,
  ApiKeyResolver,
  AuditResolver,
  MspWebhookResolver,
  WebhookResolver,
  UsageResolver,
] as const;
