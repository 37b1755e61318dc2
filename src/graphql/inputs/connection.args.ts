import { ArgsType, Field, Int } from 'type-graphql';

@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, { nullable: true, description: 'Return the first n items (1 to 100; default 20). Not with `last`.' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Return items after this cursor (with `first`).' })
  after?: string | null;

  @Field(() => Int, { nullable: true, description: 'Return the last n items (1 to 100). Not with `first`.' })
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'Return items before this cursor (with `last`).' })
  before?: string | null;
}
