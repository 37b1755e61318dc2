import { AccountEntity } from './account.entity';
import { ApiKeyEntity } from './api-key.entity';
import { IdempotencyKeyEntity } from './idempotency-key.entity';
import { MonitoredUserEntity } from './monitored-user.entity';
import { MspRollupEntity } from './msp-rollup.entity';

export { AccountEntity, ApiKeyEntity, IdempotencyKeyEntity, MonitoredUserEntity, MspRollupEntity };
export * from './enums';

export const entities = [AccountEntity, MonitoredUserEntity, ApiKeyEntity, MspRollupEntity, IdempotencyKeyEntity];
