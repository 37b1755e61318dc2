import { GraphQLSchema, defaultFieldResolver } from 'graphql';
import { createLoaders } from '../loaders/request.loaders';
import { RequestContext } from './context';

/**
 * Makes every root mutation field start from fresh loaders. Root mutation fields run one after
 * another, each with its payload read to the end before the next starts; without this, a later
 * mutation's payload would answer from what an earlier one's cached (totals, customers). Queries
 * keep one set of loaders for the whole request, so their reads stay batched.
 *
 * A wrapper of the Mutation fields' resolvers rather than a type-graphql global middleware: a
 * global middleware would also wrap every other field of every type, making each one async.
 */
export function freshLoadersPerMutation(schema: GraphQLSchema): GraphQLSchema {
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = (root, args, context: RequestContext, info) => {
      if (context.principal) context.loaders = createLoaders(context.services, context.principal, context.principalMsp);
      return resolve(root, args, context, info);
    };
  }
  return schema;
}
