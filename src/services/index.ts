import { Database } from '../database/data-source';
import { ApiKeyService } from './api-key.service';
import { Clock } from './clock';
import { CustomerService } from './customer.service';
import { DemoService } from './demo.service';
import { MonitoredUserService } from './monitored-user.service';
import { MspService } from './msp.service';
import { RollupService } from './rollup.service';

export interface ServiceSettings {
  trialLengthDays: number;
}

/** Every service, wired once per process; the API and the CLI share them. */
export interface Services {
  db: Database;
  clock: Clock;
  rollups: RollupService;
  apiKeys: ApiKeyService;
  msps: MspService;
  customers: CustomerService;
  monitoredUsers: MonitoredUserService;
  demo: DemoService;
}

export function createServices(db: Database, clock: Clock, settings: ServiceSettings): Services {
  const rollups = new RollupService(db, clock);
  const apiKeys = new ApiKeyService(db, clock);
  const msps = new MspService(db, clock, rollups, apiKeys, settings.trialLengthDays);
  const customers = new CustomerService(db, clock, rollups, settings.trialLengthDays);
  const monitoredUsers = new MonitoredUserService(db, clock, rollups, customers);
  const demo = new DemoService(db, clock, msps, customers, monitoredUsers, rollups, apiKeys);
  return { db, clock, rollups, apiKeys, msps, customers, monitoredUsers, demo };
}
