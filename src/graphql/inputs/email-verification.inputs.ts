import { MaxLength } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';

/** Transport limit only: a token of the wrong shape answers INVALID_TOKEN in the payload. */
const TRANSPORT_MAX = 1000;

@InputType('VerifyAdminEmailInput', { description: 'The token from a verification link.' })
export class VerifyAdminEmailInput {
  @Field({ description: 'The `token` parameter of the link `<APP_URL>/#/verify-email?token=...` mailed to the admin.' })
  @MaxLength(TRANSPORT_MAX)
  token: string;
}

@InputType('ResendVerificationEmailInput', { description: 'The customer whose admin should get a new verification email.' })
export class ResendVerificationEmailInput {
  @Field(() => ID, { description: 'The customer.' })
  @MaxLength(TRANSPORT_MAX)
  customerId: string;
}
