import { Node } from './node.type';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { SupportRequestKind, SupportRequestStatus } from '../../entities/enums';
import { toGlobalId } from '../../services/global-id';
import { SupportRequestPage, SupportRequestView } from '../../services/support/support-request-list.service';
import { connectionTypes } from './connection';
import { CustomerAccount } from './customer-account.type';
import { UserErrorType } from './user-error.type';

export { SupportRequestKind, SupportRequestStatus };

registerEnumType(SupportRequestKind, {
  name: 'SupportRequestKind',
  description: 'What an MSP asks support to do for one of its customers.',
  valuesConfig: {
    UPGRADE: { description: 'Upgrade a trial to a paid subscription with the requested seats.' },
    TRIAL_EXTENSION: { description: 'Extend a trial (active or expired) by the requested days.' },
    REMOVAL: { description: 'Remove an expired trial from the Command Center.' },
  },
});

registerEnumType(SupportRequestStatus, {
  name: 'SupportRequestStatus',
  description: 'Where a support request stands.',
  valuesConfig: {
    OPEN: { description: 'Waiting for support.' },
    APPROVED: { description: 'Approved by support, and performed.' },
    REJECTED: { description: 'Rejected by support; nothing was performed.' },
  },
});

@ObjectType('SupportRequest', {
  implements: Node,
  description: 'What an MSP asked support to do for one of its customers (upgrade, trial extension, removal), and how support answered.',
})
export class SupportRequest implements Node {
  constructor(
    readonly view: SupportRequestView,
    private readonly now: Date,
  ) {}

  @Field(() => ID, { description: 'Globally unique, opaque id.' })
  get id(): string {
    return toGlobalId('SupportRequest', this.view.request.id);
  }

  @Field(() => SupportRequestKind, { description: 'What was requested.' })
  get kind(): SupportRequestKind {
    return this.view.request.kind;
  }

  @Field(() => SupportRequestStatus, { description: 'Open, approved (and performed) or rejected.' })
  get status(): SupportRequestStatus {
    return this.view.request.status;
  }

  @Field(() => CustomerAccount, {
    nullable: true,
    description: 'The customer the request is about; null for the MSP once the customer has been removed (staff still see it).',
  })
  get customer(): CustomerAccount | null {
    return this.view.customer ? new CustomerAccount(this.view.customer, this.now) : null;
  }

  @Field(() => String, { nullable: true, description: "The MSP's note to support, if any." })
  get note(): string | null {
    return this.view.request.note;
  }

  @Field(() => Int, { nullable: true, description: 'The seats an UPGRADE asks for; null for other kinds.' })
  get licensedSeats(): number | null {
    return this.view.request.licensedSeats;
  }

  @Field(() => Int, { nullable: true, description: 'The days a TRIAL_EXTENSION asks for; null for other kinds.' })
  get days(): number | null {
    return this.view.request.days;
  }

  @Field(() => Date, { description: 'When the MSP filed the request.' })
  get createdAt(): Date {
    return this.view.request.createdAt;
  }

  @Field(() => Date, { nullable: true, description: 'When support approved or rejected it; null while open.' })
  get resolvedAt(): Date | null {
    return this.view.request.resolvedAt;
  }

  @Field(() => String, { nullable: true, description: "Support's note when approving or rejecting, if any." })
  get resolution(): string | null {
    return this.view.request.resolution;
  }
}

@ObjectType('SupportRequestConnection', { description: 'A page of support requests, newest first.' })
export class SupportRequestConnection extends connectionTypes(SupportRequest, 'SupportRequest', 'support request') {
  constructor(page: SupportRequestPage, now: Date) {
    super(page, (view: SupportRequestView) => new SupportRequest(view, now), () => page.totalCount());
  }
}

@ObjectType('RequestUpgradePayload', { description: 'The result of `requestUpgrade`.' })
export class RequestUpgradePayload {
  @Field(() => SupportRequest, { nullable: true, description: 'The request filed; null when refused.' })
  supportRequest: SupportRequest | null;

  @Field(() => [UserErrorType], { description: 'Why the input was refused; empty on success.' })
  userErrors: UserErrorType[];
}

@ObjectType('RequestTrialExtensionPayload', { description: 'The result of `requestTrialExtension`.' })
export class RequestTrialExtensionPayload {
  @Field(() => SupportRequest, { nullable: true, description: 'The request filed; null when refused.' })
  supportRequest: SupportRequest | null;

  @Field(() => [UserErrorType], { description: 'Why the input was refused; empty on success.' })
  userErrors: UserErrorType[];
}

@ObjectType('RequestRemovalPayload', { description: 'The result of `requestRemoval`.' })
export class RequestRemovalPayload {
  @Field(() => SupportRequest, { nullable: true, description: 'The request filed; null when refused.' })
  supportRequest: SupportRequest | null;

  @Field(() => [UserErrorType], { description: 'Why the input was refused; empty on success.' })
  userErrors: UserErrorType[];
}

@ObjectType('ApproveSupportRequestPayload', { description: 'The result of `approveSupportRequest`.' })
export class ApproveSupportRequestPayload {
  @Field(() => SupportRequest, { nullable: true, description: 'The request, now APPROVED, with its customer as changed; null when refused.' })
  supportRequest: SupportRequest | null;

  @Field(() => [UserErrorType], {
    description: "Why it was refused, including the performed operation's own refusals (the request then stays OPEN); empty on success.",
  })
  userErrors: UserErrorType[];
}

@ObjectType('RejectSupportRequestPayload', { description: 'The result of `rejectSupportRequest`.' })
export class RejectSupportRequestPayload {
  @Field(() => SupportRequest, { nullable: true, description: 'The request, now REJECTED; null when refused.' })
  supportRequest: SupportRequest | null;

  @Field(() => [UserErrorType], { description: 'Why the input was refused; empty on success.' })
  userErrors: UserErrorType[];
}
