import { isPromiseLike } from '../rfc5849/maybe-promise';
import type { NonceLifetime } from '../rfc5849/verify-request';
import type { NonceCache } from './nonce-cache';

export type { NonceLifetime } from '../rfc5849/verify-request';

/**
 * Answers true when the nonce was already used, and otherwise records it, atomically (Authlib:
 * `exists_nonce`). `lifetime` says how long it must be remembered, from the protector's window and clock:
 * a store that keeps it that long refuses every replay inside the window, whatever the window is.
 */
export type ExistsNonce = (
  nonce: string,
  timestamp: number,
  clientId: string,
  token: string,
  lifetime: NonceLifetime,
) => boolean | Promise<boolean>;

/**
 * The key of one nonce. Each part is length-prefixed, so no choice of client, token or nonce (which may
 * contain any character) can spell another combination's key.
 */
export function nonceKey(clientId: string, token: string, timestamp: number, nonce: string): string {
  return `${clientId.length}:${clientId}${token.length}:${token}${timestamp}:${nonce.length}:${nonce}`;
}

/** The cache each `existsNonce` made by `createExistsNonce` records in. */
const caches = new WeakMap<ExistsNonce, NonceCache>();

/** Builds `existsNonce` on a cache's atomic set-if-absent (Authlib: `create_exists_nonce_func`). */
export function createExistsNonce(cache: NonceCache): ExistsNonce {
  const existsNonce: ExistsNonce = (nonce, timestamp, clientId, token, lifetime) => {
    const key = nonceKey(clientId, token, timestamp, nonce);
    const firstUse = cache.setIfAbsent(key, lifetime.ttlSeconds, lifetime.nowSeconds);
    // Stay synchronous for a synchronous cache: no promise, and no store timer, per request.
    if (typeof firstUse === 'boolean') return !firstUse;
    return isPromiseLike(firstUse) ? Promise.resolve(firstUse).then(used) : used(firstUse);
  };
  caches.set(existsNonce, cache);
  return existsNonce;
}

/**
 * Where an `existsNonce` keeps its nonces: the cache it was made on, or itself. Protectors given the cache and
 * protectors given functions made on it then count as sharing one store.
 */
export function nonceStoreOf(existsNonce: ExistsNonce): object {
  return caches.get(existsNonce) ?? existsNonce;
}

/**
 * Used before, from a cache's answer: a fault of the cache (503) unless true or false. Never read by its truthiness:
 * a cache answering the key's previous value (`null`, `'1'`) would otherwise accept replays and refuse fresh nonces.
 */
function used(firstUse: unknown): boolean {
  if (typeof firstUse !== 'boolean')
    throw new TypeError(`setIfAbsent() answered ${typeof firstUse}, not true or false.`);
  return !firstUse;
}
