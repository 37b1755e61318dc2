import { MaxLength } from 'class-validator';
import { Args, ArgsType, Authorized, Ctx, Field, FieldResolver, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { ApiKeyRole } from '../entities/enums';
import { AuditEventEntity } from '../entities';
import { RequestContext, principalOf } from '../graphql/context';
import { AuditAction } from '../graphql/enums';
import { ConnectionArgs } from '../graphql/inputs/connection.args';
import { AuditEvent } from '../graphql/types/audit-event.type';
import { connectionTypes } from '../graphql/types/connection';
import { Msp } from '../graphql/types/msp.type';
import { AuditPage } from '../services/audit.service';
import { READERS } from './roles';

@ObjectType('AuditEventConnection', { description: 'A page of audit events, newest first.' })
export class AuditEventConnection extends connectionTypes(AuditEvent, 'AuditEvent', 'audit event') {
  constructor(page: AuditPage) {
    super(page, (row: AuditEventEntity) => new AuditEvent(row), () => page.totalCount());
  }
}

@ArgsType()
class MspAuditEventsArgs extends ConnectionArgs {
  @Field(() => AuditAction, { nullable: true, description: 'Only events of this action.' })
  action?: AuditAction | null;
}

@ArgsType()
class AuditEventsArgs extends MspAuditEventsArgs {
  @Field(() => String, { nullable: true, description: "Only this MSP's events (by account number); omitted: every event, those concerning no MSP included." })
  @MaxLength(100)
  mspAccountNumber?: string | null;
}

@Resolver(() => Msp)
export class AuditResolver {
  @Authorized(READERS)
  @FieldResolver(() => AuditEventConnection, {
    description: "The MSP's audit log, newest first: its changes, key changes, access grants, support actions and refused authorizations. Entries are kept AUDIT_RETENTION_DAYS days (default 365).",
  })
  async auditEvents(@Root() msp: Msp, @Args() args: MspAuditEventsArgs, @Ctx() context: RequestContext): Promise<AuditEventConnection> {
    const page = await context.services.audit.listForMsp(principalOf(context), msp.entity.id, { action: args.action }, args);
    return new AuditEventConnection(page);
  }

  @Authorized(ApiKeyRole.STAFF)
  @Query(() => AuditEventConnection, { name: 'auditEvents', description: 'The audit log of every MSP, newest first (staff only).' })
  async allAuditEvents(@Args() args: AuditEventsArgs, @Ctx() context: RequestContext): Promise<AuditEventConnection> {
    const page = await context.services.audit.listAll(principalOf(context), args.mspAccountNumber, { action: args.action }, args);
    return new AuditEventConnection(page);
  }
}
