import { AccountEntity } from './account.entity';
import { ApiKeyEntity } from './api-key.entity';
import { AuditEventEntity } from './audit-event.entity';
import { EmailVerificationEntity } from './email-verification.entity';
import { IdempotencyKeyEntity } from './idempotency-key.entity';
import { MailOutboxEntity } from './mail-outbox.entity';
import { MonitoredUserEntity } from './monitored-user.entity';
import { MspRollupEntity } from './msp-rollup.entity';
import { SupportRequestEntity } from './support-request.entity';
import { TrialNoticeEntity } from './trial-notice.entity';
import { UsageSnapshotEntity } from './usage-snapshot.entity';
import { WebhookAttemptEntity } from './webhook-attempt.entity';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';
import { WebhookEventEntity } from './webhook-event.entity';

export {
  AccountEntity,
  ApiKeyEntity,
  AuditEventEntity,
  EmailVerificationEntity,
  IdempotencyKeyEntity,
  MailOutboxEntity,
  MonitoredUserEntity,
  MspRollupEntity,
  SupportRequestEntity,
  TrialNoticeEntity,
  UsageSnapshotEntity,
  WebhookAttemptEntity,
  WebhookDeliveryEntity,
  WebhookEndpointEntity,
  WebhookEventEntity,
};
export { WebhookDeliveryStatus } from './webhook-delivery.entity';
export * from './enums';

export const entities = [
  AccountEntity,
  MonitoredUserEntity,
  ApiKeyEntity,
  MspRollupEntity,
  IdempotencyKeyEntity,
  SupportRequestEntity,
  EmailVerificationEntity,
  MailOutboxEntity,
  AuditEventEntity,
  WebhookEndpointEntity,
  WebhookEventEntity,
  WebhookDeliveryEntity,
  WebhookAttemptEntity,
  TrialNoticeEntity,
  UsageSnapshotEntity,
];
