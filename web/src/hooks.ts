import { useEffect, useState } from 'react';
import { useApolloClient } from '@apollo/client/react';
import { keyPrefix } from './apollo';
import { ApiKeysDocument } from './operations';
import type { ApiKeyRole, ApiKeysQuery } from './gql/graphql';

/** `value`, once it has stopped changing for `ms` milliseconds. */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export type KeyRole = { status: 'loading' } | { status: 'known'; role: ApiKeyRole } | { status: 'unknown' };

/**
 * The signed-in key's role, found by its public prefix in the MSP's key list (which MSP_READ
 * keys may read too). Write actions show only once the role is known to be MSP_ADMIN.
 */
export function useKeyRole(apiKey: string): KeyRole {
  const client = useApolloClient();
  const [role, setRole] = useState<KeyRole>({ status: 'loading' });
  useEffect(() => {
    let cancelled = false;
    const prefix = keyPrefix(apiKey);
    void (async () => {
      let after: string | null = null;
      for (let page = 0; prefix && page < 20; page++) {
        const variables: { after: string | null } = { after };
        const result: { data?: ApiKeysQuery } = await client.query({ query: ApiKeysDocument, variables, errorPolicy: 'all' });
        const keys: NonNullable<ApiKeysQuery['msp']>['apiKeys'] | undefined = result.data?.msp?.apiKeys;
        if (!keys) break;
        const mine = keys.edges.find((edge) => edge.node.prefix === prefix);
        if (mine) {
          if (!cancelled) setRole({ status: 'known', role: mine.node.role });
          return;
        }
        if (!keys.pageInfo.hasNextPage) break;
        after = keys.pageInfo.endCursor;
      }
      if (!cancelled) setRole({ status: 'unknown' });
    })().catch(() => {
      if (!cancelled) setRole({ status: 'unknown' });
    });
    return () => {
      cancelled = true;
    };
  }, [apiKey, client]);
  return role;
}
