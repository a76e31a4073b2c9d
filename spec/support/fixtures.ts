/**
 * The one client and token most unit specs verify against: consumer `ck` / `cs`, token `tk` / `ts`.
 */
import {
  MemoryNonceCache,
  ResourceProtector,
  type Client,
  type ResourceProtectorOptions,
  type TokenCredential,
} from '../../src';
import { expectWarning, PLAIN_HTTP_NOTICE } from './console';
import type { Identity } from './sign';

export const WHO: Identity = { consumerKey: 'ck', consumerSecret: 'cs', token: 'tk', tokenSecret: 'ts' };
export const client: Client = { getClientSecret: () => 'cs', getRsaPublicKey: () => undefined };
export const token: TokenCredential = { getOAuthToken: () => 'tk', getOAuthTokenSecret: () => 'ts' };

/** A protector of `client` and `token`, nonces in a memory cache of its own, plain http allowed (its notice expected). */
export const plainHttpProtector = (extra: Partial<ResourceProtectorOptions> = {}): ResourceProtector =>
  expectWarning(
    PLAIN_HTTP_NOTICE,
    () =>
      new ResourceProtector({
        queryClient: () => client,
        queryToken: () => token,
        nonceCache: new MemoryNonceCache(),
        allowInsecureTransport: true,
        ...extra,
      } as ResourceProtectorOptions),
  );

/** Tokens of client `ck` for the scope specs: `admin` granted admin and extra, `extra` granted extra alone. */
export const ADMIN: Identity = { ...WHO, token: 'admin' };
export const EXTRA: Identity = { ...WHO, token: 'extra' };
const SCOPES: Record<string, string[]> = { admin: ['admin', 'extra'], extra: ['extra'] };

/** `plainHttpProtector()` whose tokens are ADMIN's and EXTRA's, with their scopes. */
export const scopedProtector = (): ResourceProtector =>
  plainHttpProtector({
    queryToken: (_id: string, tk: string): TokenCredential | undefined =>
      SCOPES[tk] && { getOAuthToken: () => tk, getOAuthTokenSecret: () => 'ts', getScopes: () => SCOPES[tk] },
  });
