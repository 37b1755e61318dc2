import { AccountEntity } from './account.entity';
import { ApiKeyEntity } from './api-key.entity';
import { AuditEventEntity } from './audit-event.entity';
import { EmailVerificationEntity } from './email-verification.entity';
import { IdempotencyKeyEntity } from './idempotency-key.entity';
import { MailOutboxEntity } from './mail-outbox.entity';
import { MonitoredUserEntity } from './monitored-user.entity';
import { MspRollupEntity } from './msp-rollup.entity';
import { SupportRequestEntity } from './support-request.entity';
import { TrialNoticeEntity, UsageSnapshotEntity, WebhookAttemptEntity, WebhookDeliveryEntity, WebhookEndpointEntity, WebhookEventEntity } from './webhook.entities';

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
export { WebhookDeliveryStatus } from './webhook.entities';
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
