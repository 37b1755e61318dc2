import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';

/**
 * Apollo Client's cache for the Command Center API.
 * - `CustomerCounts` has no id: without `merge: true`, two queries selecting different fields
 *   of `Msp.customerCounts` replace each other's object (Apollo warns and drops cached data).
 * - `Msp.customers` pages merge with `relayStylePagination` (select `edges { cursor node }`,
 *   not only `nodes`); one cached list per filter and order, never mixed.
 */
export function createCache(): InMemoryCache {
  return new InMemoryCache({
    typePolicies: {
      CustomerCounts: { merge: true },
      Msp: {
        fields: {
          customers: relayStylePagination(['state', 'search', 'orderBy', 'includeRemoved']),
        },
      },
    },
  });
}

/** A client for a server-side tool or a browser app (the browser's origin must be in CORS_ORIGINS). */
export function createApolloClient(url: string, apiKey: string): ApolloClient {
  return new ApolloClient({
    cache: createCache(),
    link: new HttpLink({ uri: url, headers: { authorization: `Bearer ${apiKey}` } }),
  });
}
