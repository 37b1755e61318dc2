import { Database } from '../database/data-source';
import { AccessService } from './access.service';
import { ApiKeyService } from './api-key.service';
import { AuditService } from './audit.service';
import { Clock } from './clock';
import { CustomerService } from './customers/customer.service';
import { CustomerListService } from './customers/customer-list.service';
import { CustomerUpdateService } from './customers/customer-update.service';
import { DemoService } from './demo.service';
import { EmailVerificationService } from './email-verification.service';
import { MailLog, MailService } from './mail.service';
import { MonitoredUserService } from './customers/monitored-user.service';
import { MspService } from './msp.service';
import { RollupService } from './subscription/rollup.service';
import { SupportRequestService } from './support/support-request.service';
import { SupportRequestListService } from './support/support-request-list.service';
import { StaffOperationsService } from './support/staff-operations.service';
import { UsageService } from './usage/usage.service';
import { TrialNoticeService } from './webhooks/trial-notice.service';
import { WebhookDeliveryService } from './webhooks/webhook-delivery.service';
import { WebhookEndpointService } from './webhooks/webhook-endpoint.service';
import { WebhookEventService } from './webhooks/webhook-event.service';
import { UrlPolicy } from './webhooks/webhook-url';

export interface ServiceSettings {
  trialLengthDays: number;
  /** Base of the links the API hands out (access grants, verification emails). */
  appUrl: string;
  /** HMAC key of access tokens. */
  accessTokenSecret: string;
  /** Unset: mail is kept in the outbox table and logged, not sent. */
  smtpUrl?: string;
  smtpFrom?: string;
  /** Where the mail service logs (pino fits); unset: silent. */
  mailLog?: MailLog;
  auditRetentionDays: number;
  /** ALLOW_INSECURE_WEBHOOKS: http:// and private or loopback webhook URLs allowed (tests, development). Default false. */
  allowInsecureWebhooks?: boolean;
  /** WEBHOOK_RETRY_BASE_MS: the first retry's delay, doubling after. Default 30 s. */
  webhookRetryBaseMs?: number;
  /** Jitter of retry delays as a fraction, added; default 0.1. */
  webhookRetryJitter?: number;
  /** How webhook hosts resolve (tests play DNS changes); default the system resolver. */
  webhookResolve?: UrlPolicy['resolve'];
}

export const WEBHOOK_RETRY_BASE_MS_DEFAULT = 30_000;

/** Every service, wired once per process; the API and the CLI share them. */
export interface Services {
  db: Database;
  clock: Clock;
  settings: ServiceSettings;
  rollups: RollupService;
  audit: AuditService;
  apiKeys: ApiKeyService;
  msps: MspService;
  customers: CustomerService;
  customerList: CustomerListService;
  customerUpdates: CustomerUpdateService;
  monitoredUsers: MonitoredUserService;
  demo: DemoService;
  mail: MailService;
  verification: EmailVerificationService;
  staffOperations: StaffOperationsService;
  supportRequests: SupportRequestService;
  supportRequestList: SupportRequestListService;
  access: AccessService;
  webhookEvents: WebhookEventService;
  webhookEndpoints: WebhookEndpointService;
  webhookDelivery: WebhookDeliveryService;
  trialNotices: TrialNoticeService;
  usage: UsageService;
}

export function createServices(db: Database, clock: Clock, settings: ServiceSettings): Services {
  const rollups = new RollupService(db, clock);
  const audit = new AuditService(db, clock, settings.auditRetentionDays);
  const apiKeys = new ApiKeyService(db, clock, audit);
  const msps = new MspService(db, clock, rollups, apiKeys, settings.trialLengthDays);
  const mail = new MailService(db, clock, settings.smtpUrl, settings.smtpFrom ?? 'Command Center <no-reply@command-center.invalid>', settings.mailLog);
  const verification = new EmailVerificationService(db, clock, audit, mail, settings.appUrl);
  const urlPolicy: UrlPolicy = { allowInsecure: settings.allowInsecureWebhooks ?? false, resolve: settings.webhookResolve };
  const webhookEvents = new WebhookEventService(db, clock);
  const webhookEndpoints = new WebhookEndpointService(db, clock, audit, webhookEvents, urlPolicy);
  const webhookDelivery = new WebhookDeliveryService(db, clock, urlPolicy, {
    retryBaseMs: settings.webhookRetryBaseMs ?? WEBHOOK_RETRY_BASE_MS_DEFAULT,
    jitter: settings.webhookRetryJitter,
  });
  const trialNotices = new TrialNoticeService(db, clock, rollups, webhookEvents);
  const usage = new UsageService(db, clock, audit);
  const customers = new CustomerService(db, clock, rollups, verification, settings.trialLengthDays, webhookEvents);
  const customerList = new CustomerListService(db, clock);
  const customerUpdates = new CustomerUpdateService(db, rollups, audit, verification);
  const staffOperations = new StaffOperationsService(db, clock, rollups, audit, customers, webhookEvents);
  const supportRequests = new SupportRequestService(db, clock, audit, staffOperations, customers, rollups, webhookEvents);
  const supportRequestList = new SupportRequestListService(db, customers);
  const access = new AccessService(db, clock, audit, customers, settings.accessTokenSecret, settings.appUrl);
  const monitoredUsers = new MonitoredUserService(db, clock, rollups, audit, customers, webhookEvents);
  const demo = new DemoService(db, clock, msps, customers, monitoredUsers, rollups, apiKeys);
  return { db, clock, settings, rollups, audit, apiKeys, msps, customers, customerList, customerUpdates, monitoredUsers, demo, mail, verification, staffOperations, supportRequests, supportRequestList, access, webhookEvents, webhookEndpoints, webhookDelivery, trialNotices, usage };
}
