import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

export interface ClientOptions {
  /** The API's GraphQL endpoint, e.g. http://localhost:4000/graphql. */
  url: string;
  /** An API key: `cc_<prefix>_<secret>`. */
  apiKey: string;
  /** How many times a RATE_LIMITED answer is waited out before giving up (default 5). */
  maxRateLimitRetries?: number;
  /** How to wait; replaceable so tests need not sleep. */
  sleep?: (ms: number) => Promise<void>;
}

/** A GraphQL error the API answered at the top level, with its `extensions.code`. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly requestId?: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'ApiError';
  }
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string; requestId?: string } }>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Seconds to wait from a `Retry-After` header: delta-seconds or an HTTP date. Unreadable or
 * absent: one second, so a client never hammers the API.
 */
export function retryAfterMs(header: string | null, now = Date.now()): number {
  if (header) {
    if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
    const at = Date.parse(header);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  return 1000;
}

/** A minimal typed GraphQL client over fetch: one POST per operation, JSON in and out. */
export class CommandCenterClient {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxRetries: number;

  constructor(private readonly options: ClientOptions) {
    this.sleep = options.sleep ?? defaultSleep;
    this.maxRetries = options.maxRateLimitRetries ?? 5;
  }

  /**
   * Runs one operation and returns its data. Waits out `RATE_LIMITED` (HTTP 429) for as long
   * as `Retry-After` says, then retries; any other top-level error is thrown as an ApiError.
   * Mutations report what the user can fix in `userErrors` (data, not an exception).
   */
  async request<TData, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVariables>,
    ...[variables]: TVariables extends Record<string, never> ? [] : [TVariables]
  ): Promise<TData> {
    const body = JSON.stringify({ query: print(document), variables: variables ?? {} });
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(this.options.url, {
        method: 'POST',
        headers: {
          // The API refuses other content types (CSRF prevention): always send JSON.
          'content-type': 'application/json',
          authorization: `Bearer ${this.options.apiKey}`,
        },
        body,
      });
      const result = (await response.json()) as GraphQLResponse<TData>;
      const error = result.errors?.[0];
      const code = error?.extensions?.code;
      if ((response.status === 429 || code === 'RATE_LIMITED') && attempt < this.maxRetries) {
        await this.sleep(retryAfterMs(response.headers.get('retry-after')));
        continue;
      }
      if (error) {
        throw new ApiError(code ?? 'UNKNOWN', error.message, response.status, error.extensions?.requestId ?? response.headers.get('x-request-id') ?? undefined);
      }
      if (!result.data) throw new ApiError('NO_DATA', `HTTP ${response.status} without data`, response.status);
      return result.data;
    }
  }
}
