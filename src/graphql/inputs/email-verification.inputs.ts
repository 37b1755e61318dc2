import { Field, ID, InputType } from 'type-graphql';

@InputType('VerifyAdminEmailInput', { description: 'The token from a verification link.' })
export class VerifyAdminEmailInput {
  @Field({ description: 'The `token` parameter of the link `<APP_URL>/#/verify-email?token=...` mailed to the admin.' })
  token: string;
}

@InputType('ResendVerificationEmailInput', { description: 'The customer whose admin should get a new verification email.' })
export class ResendVerificationEmailInput {
  @Field(() => ID, { description: 'The customer.' })
  customerId: string;
}
