import { Resolver } from 'type-graphql';

/** Filled in by the issue-3 work. */
@Resolver()
export class ApiKeyResolver {}
