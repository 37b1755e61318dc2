import { Database } from '../database/data-source';
import { AuditService } from './audit.service';
import { Clock } from './clock';
import { CustomerService } from './customer.service';
import { RollupService } from './rollup.service';

/** Staff's support operations on customers: upgrade, seats, trial end, remove, restore, purge, link. */
export class SupportService {
  constructor(
    readonly db: Database,
    readonly clock: Clock,
    readonly rollups: RollupService,
    readonly audit: AuditService,
    readonly customers: CustomerService,
  ) {}
}
