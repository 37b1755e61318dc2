import { Field, ObjectType } from 'type-graphql';
import { CustomerAccount } from './customer-account.type';
import { Msp } from './msp.type';
import { UserErrorType } from './user-error.type';

@ObjectType('AccessCustomerPayload', { description: 'The result of `accessCustomer`: a 15-minute grant to open one customer account.' })
export class AccessCustomerPayload {
  @Field(() => String, {
    nullable: true,
    description: 'The signed access token (opaque; a bearer credential until it expires: do not log it). Null when refused.',
  })
  token: string | null;

  @Field(() => Date, { nullable: true, description: 'When the grant ends: 15 minutes after it was issued. Null when refused.' })
  expiresAt: Date | null;

  @Field(() => String, { nullable: true, description: 'The link that opens the customer account in the app: `<APP_URL>/#/access?token=<token>`. Null when refused.' })
  url: string | null;

  @Field(() => [UserErrorType], { description: 'Why the input was refused; empty on success.' })
  userErrors: UserErrorType[];
}

@ObjectType('AccessTokenVerification', { description: 'What an access token opens, as the app checks it before opening a customer account.' })
export class AccessTokenVerification {
  @Field({
    description:
      'True when the token is intact, signed by this server, unexpired, and its customer is still a current customer of the same MSP.',
  })
  valid: boolean;

  @Field(() => CustomerAccount, { nullable: true, description: 'The customer account the token opens; null when not valid.' })
  customer: CustomerAccount | null;

  @Field(() => Msp, { nullable: true, description: 'The MSP whose admin was granted access; null when not valid.' })
  msp: Msp | null;

  @Field(() => Date, { nullable: true, description: 'When the grant ends; null when not valid.' })
  expiresAt: Date | null;
}
