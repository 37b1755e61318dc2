import { Database } from '../database/data-source';
import { AuditService } from './audit.service';
import { Clock } from './clock';
import { CustomerService } from './customer.service';

/** Access to a customer account without its credentials: short-lived signed grants. */
export class AccessService {
  constructor(
    readonly db: Database,
    readonly clock: Clock,
    readonly audit: AuditService,
    readonly customers: CustomerService,
    readonly secret: string,
    readonly appUrl: string,
  ) {}
}
