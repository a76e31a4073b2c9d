/**
 * The one client and token most unit specs verify against: consumer `ck` / `cs`, token `tk` / `ts`.
 */
import type { Client, TokenCredential } from '../../src';
import type { Identity } from './sign';

export const WHO: Identity = { consumerKey: 'ck', consumerSecret: 'cs', token: 'tk', tokenSecret: 'ts' };
export const client: Client = { getClientSecret: () => 'cs', getRsaPublicKey: () => undefined };
export const token: TokenCredential = { getOAuthToken: () => 'tk', getOAuthTokenSecret: () => 'ts' };
