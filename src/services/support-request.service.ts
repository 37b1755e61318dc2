import { Database } from '../database/data-source';
import { AuditService } from './audit.service';
import { Clock } from './clock';
import { CustomerService } from './customer.service';
import { SupportService } from './support.service';

/** Requests MSPs file with support, and staff's approval (which performs them) or rejection. */
export class SupportRequestService {
  constructor(
    readonly db: Database,
    readonly clock: Clock,
    readonly audit: AuditService,
    readonly support: SupportService,
    readonly customers: CustomerService,
  ) {}
}
