/**
 * RFC 5849 §3.4.2 HMAC-SHA1, and the HMAC-SHA256/512 variants (NetSuite, WooCommerce): the signature is the
 * base64 HMAC of the base string under the key `encode(client secret) "&" encode(token secret)`.
 */
import type { DigestName } from './digest';
import { hmac, hmacKey, type HmacKey } from './hmac';
import { constantTimeEqual, secretKey, type SignatureMethod, type SigningKeys } from './signature-method';

/** Prepared keys kept per method: 0.6–0.9 KB each, so at most about 9 MB (docs/decisions.md). */
export const KEY_CACHE_SIZE = 10_000;

/**
 * The prepared HMAC keys of one method, kept by client secret and then token secret: preparing one costs more
 * than a MAC, and looking it up by the secrets as the stores return them builds no string per request. Up to
 * KEY_CACHE_SIZE: when full, the key prepared first is forgotten, one at a time (a ring of the secrets in the
 * order their keys were made), so that an application with one consumer key and many users' tokens keeps its
 * recent tokens' keys.
 */
function preparedKeys(digest: DigestName): (keys: SigningKeys) => HmacKey {
  const byClient = new Map<string, Map<string, HmacKey>>();
  const clients: string[] = [];
  const tokens: string[] = [];
  let oldest = 0; // once the ring is full: the slot of the key prepared first
  return (keys) => {
    const clientSecret = keys.clientSecret ?? '';
    const tokenSecret = keys.tokenSecret ?? '';
    let byToken = byClient.get(clientSecret);
    let made = byToken?.get(tokenSecret);
    if (made !== undefined) return made;
    // First, as a secret that cannot be encoded (a lone surrogate) throws here, and must leave the cache as it was.
    made = hmacKey(digest, Buffer.from(secretKey(keys), 'utf8'));
    let slot = clients.length;
    if (slot === KEY_CACHE_SIZE) {
      slot = oldest;
      oldest = (oldest + 1) % KEY_CACHE_SIZE;
      const itsKeys = byClient.get(clients[slot]) as Map<string, HmacKey>;
      itsKeys.delete(tokens[slot]);
      if (itsKeys.size === 0) {
        byClient.delete(clients[slot]);
        if (clients[slot] === clientSecret) byToken = undefined;
      }
    }
    clients[slot] = clientSecret;
    tokens[slot] = tokenSecret;
    if (byToken === undefined) byClient.set(clientSecret, (byToken = new Map()));
    byToken.set(tokenSecret, made);
    return made;
  };
}

export function hmacSha(digest: DigestName): SignatureMethod {
  const keyFor = preparedKeys(digest);
  return {
    keyType: 'secret',
    bodyHashDigest: digest,
    sign: (baseString, keys) => hmac(keyFor(keys), baseString, 'base64'),
    verify: (baseString, signature, keys) => constantTimeEqual(hmac(keyFor(keys), baseString, 'base64'), signature),
  };
}
