import { nonceLifetimeSeconds } from '../rfc5849/timestamp-nonce';
import type { NonceCache } from './nonce-cache';

/** Answers true when the nonce was already used, and otherwise records it, atomically. */
export type ExistsNonce = (
  nonce: string,
  timestamp: number,
  clientId: string,
  token: string,
) => boolean | Promise<boolean>;

export interface ExistsNonceOptions {
  /** The protector's timestamp window; nonces are kept while their timestamp is inside it. */
  timestampWindowSeconds?: number;
  /** Clock in milliseconds since the epoch. */
  clock?: () => number;
}

/**
 * The key of one nonce. Each part is length-prefixed, so no choice of client, token or nonce (which may
 * contain any character) can spell another combination's key.
 */
export function nonceKey(clientId: string, token: string, timestamp: number, nonce: string): string {
  return `${clientId.length}:${clientId}${token.length}:${token}${timestamp}:${nonce.length}:${nonce}`;
}

/** Builds `existsNonce` on a cache's atomic set-if-absent (Authlib: `create_exists_nonce_func`). */
export function createExistsNonce(cache: NonceCache, options: ExistsNonceOptions = {}): ExistsNonce {
  const window = options.timestampWindowSeconds ?? 300;
  const clock = options.clock ?? Date.now;
  return (nonce, timestamp, clientId, token) => {
    const ttl = nonceLifetimeSeconds(timestamp, Math.floor(clock() / 1000), window);
    const firstUse = cache.setIfAbsent(nonceKey(clientId, token, timestamp, nonce), ttl);
    // Stay synchronous for a synchronous cache: no promise, and no store timer, per request.
    return typeof firstUse === 'boolean' ? !firstUse : firstUse.then((first) => !first);
  };
}
