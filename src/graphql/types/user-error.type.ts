import { Field, ObjectType } from 'type-graphql';
import { UserErrorCode } from '../enums';

@ObjectType('UserError', { description: 'A problem with the input of a mutation that the caller can fix. Nothing was changed.' })
export class UserErrorType {
  @Field(() => [String], { description: 'Path to the input field at fault, e.g. ["input", "adminEmail"].' })
  field: string[];

  @Field({ description: 'What is wrong, for people.' })
  message: string;

  @Field(() => UserErrorCode, { description: 'What is wrong, for programs.' })
  code: UserErrorCode;
}
