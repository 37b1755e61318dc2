import { Field, ObjectType } from 'type-graphql';
import { CustomerAccount } from './customer-account.type';
import { UserErrorType } from './user-error.type';

@ObjectType('VerifyAdminEmailPayload', {
  description: 'The result of `verifyAdminEmail`: only whether it worked, since the caller has no key and may see no account data.',
})
export class VerifyAdminEmailPayload {
  @Field({ description: 'True when the admin email is now verified.' })
  verified: boolean;

  @Field(() => [UserErrorType], { description: 'Why the token was refused (INVALID_TOKEN); empty on success.' })
  userErrors: UserErrorType[];
}

@ObjectType('ResendVerificationEmailPayload', { description: 'The result of `resendVerificationEmail`.' })
export class ResendVerificationEmailPayload {
  @Field(() => CustomerAccount, { nullable: true, description: 'The customer whose admin was sent a new link; null when refused.' })
  customer: CustomerAccount | null;

  @Field(() => [UserErrorType], { description: 'Why the input was refused; empty on success.' })
  userErrors: UserErrorType[];
}
