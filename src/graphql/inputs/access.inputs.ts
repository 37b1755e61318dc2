import { Field, ID, InputType } from 'type-graphql';

@InputType('AccessCustomerInput', { description: 'The customer account to open without its credentials.' })
export class AccessCustomerInput {
  @Field(() => ID, { description: 'One of your current customers (`CustomerAccount.id`).' })
  customerId: string;
}
