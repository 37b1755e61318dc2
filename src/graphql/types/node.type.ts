import { Field, ID, InterfaceType } from 'type-graphql';

@InterfaceType('Node', { description: 'An object with a global id, fetchable with `node(id:)`.' })
export abstract class Node {
  @Field(() => ID, { description: 'Globally unique, opaque id.' })
  id: string;
}
