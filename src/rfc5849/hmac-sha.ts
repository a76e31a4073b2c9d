/**
 * RFC 5849 §3.4.2 HMAC-SHA1, and the HMAC-SHA256/512 variants (NetSuite, WooCommerce): the signature is the
 * base64 HMAC of the base string under the key `encode(client secret) "&" encode(token secret)`.
 */
import type { DigestName } from './digest';
import { hmac, hmacKey, type HmacKey } from './hmac';
import { constantTimeEqual, secretKey, type SignatureMethod, type SigningKeys } from './signature-method';

/**
 * Prepared keys kept per method (one cache a method, for the whole process): about 0.7–1.25 KB each with secrets of
 * 32–64 characters, and the secrets themselves (docs/decisions.md).
 */
export const KEY_CACHE_SIZE = 10_000;

/**
 * The prepared HMAC keys of one method, kept by client secret and then token secret: preparing one costs more
 * than a MAC, and looking it up by the secrets as the stores return them builds no string per request. Up to
 * `capacity`: when full, the key prepared first is forgotten, one at a time (a ring of the secrets in the order
 * their keys were made), so that an application with one consumer key and many users' tokens keeps its recent
 * tokens' keys.
 */
export class PreparedKeys {
  readonly #byClient = new Map<string, Map<string, HmacKey>>();
  readonly #clients: string[] = [];
  readonly #tokens: string[] = [];
  #oldest = 0; // once the ring is full: the slot of the key prepared first

  constructor(
    readonly digest: DigestName,
    readonly capacity = KEY_CACHE_SIZE,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('A key cache holds at least one key.');
  }

  /** Keys kept. */
  get size(): number {
    return this.#clients.length;
  }

  /** Clients with a key kept. */
  get clientCount(): number {
    return this.#byClient.size;
  }

  keyFor(keys: SigningKeys): HmacKey {
    const clientSecret = keys.clientSecret ?? '';
    const tokenSecret = keys.tokenSecret ?? '';
    let made = this.#byClient.get(clientSecret)?.get(tokenSecret);
    if (made !== undefined) return made;
    // First, as a secret that cannot be encoded (a lone surrogate) throws here, and must leave the cache as it was.
    made = hmacKey(this.digest, Buffer.from(secretKey(keys), 'utf8'));
    let slot = this.#clients.length;
    if (slot === this.capacity) {
      slot = this.#oldest;
      this.#oldest = (slot + 1) % this.capacity;
      const itsKeys = this.#byClient.get(this.#clients[slot]) as Map<string, HmacKey>;
      itsKeys.delete(this.#tokens[slot]);
      if (itsKeys.size === 0) this.#byClient.delete(this.#clients[slot]);
    }
    this.#clients[slot] = clientSecret;
    this.#tokens[slot] = tokenSecret;
    let byToken = this.#byClient.get(clientSecret); // after the eviction, which may have removed this client
    if (byToken === undefined) this.#byClient.set(clientSecret, (byToken = new Map()));
    byToken.set(tokenSecret, made);
    return made;
  }
}

/** The method of the cache's digest, its keys prepared and kept in `prepared`. */
export function hmacSha(prepared: PreparedKeys): SignatureMethod {
  return {
    keyType: 'secret',
    bodyHashDigest: prepared.digest,
    sign: (baseString, keys) => hmac(prepared.keyFor(keys), baseString, 'base64'),
    // A verifier that holds no client secret (an RSA client's keys) verifies nothing with it: '' would let anyone sign.
    verify: (baseString, signature, keys) =>
      typeof keys.clientSecret === 'string' &&
      constantTimeEqual(hmac(prepared.keyFor(keys), baseString, 'base64'), signature),
  };
}
