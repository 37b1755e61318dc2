import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { ErrorLink } from '@apollo/client/link/error';
import { relayStylePagination } from '@apollo/client/utilities';
import { isUnauthenticated } from './errors';

/**
 * One client per signed-in key: signing out drops it, and its cache with it.
 * The cache is normalized by `__typename` + `id`; `CustomerCounts` has no id, so it merges
 * into its MSP's object; lists page by cursor over `edges`, one cached list per filter.
 */
export function createClient(apiKey: string, onUnauthenticated: () => void): ApolloClient {
  const signOutWhenRejected = new ErrorLink(({ error }) => {
    if (isUnauthenticated(error)) onUnauthenticated();
  });
  return new ApolloClient({
    link: ApolloLink.from([signOutWhenRejected, new HttpLink({ uri: '/graphql', headers: { authorization: `Bearer ${apiKey}` } })]),
    cache: new InMemoryCache({
      typePolicies: {
        CustomerCounts: { merge: true },
        Msp: {
          fields: {
            customers: relayStylePagination(['state', 'search', 'orderBy']),
            supportRequests: relayStylePagination(['status']),
            apiKeys: relayStylePagination(),
          },
        },
      },
    }),
  });
}

/** The public prefix of a key (`cc_<prefix>_<secret>`), which the key list shows. */
export function keyPrefix(apiKey: string): string | null {
  return /^cc_([A-Za-z0-9]+)_[A-Za-z0-9]+$/.exec(apiKey)?.[1] ?? null;
}
