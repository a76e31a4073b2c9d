/**
 * RFC 5849 §3.4.2 HMAC-SHA1, and the HMAC-SHA256/512 variants (NetSuite, WooCommerce): the signature is the
 * base64 HMAC of the base string under the key `encode(client secret) "&" encode(token secret)`.
 */
import type { DigestName } from './digest';
import { hmac, hmacKey, type HmacKey } from './hmac';
import { constantTimeEqual, secretKey, type SignatureMethod, type SigningKeys } from './signature-method';

const KEY_CACHE_SIZE = 1000;

/**
 * The prepared HMAC keys of one method, kept by client secret and then token secret: preparing one costs as
 * much as a MAC, and looking it up by the secrets as the stores return them builds no string per request.
 * Up to KEY_CACHE_SIZE: when full, the client cached first is forgotten with all its tokens.
 */
function preparedKeys(digest: DigestName): (keys: SigningKeys) => HmacKey {
  const byClient = new Map<string, Map<string, HmacKey>>();
  let count = 0;
  return (keys) => {
    const clientSecret = keys.clientSecret ?? '';
    const tokenSecret = keys.tokenSecret ?? '';
    let byToken = byClient.get(clientSecret);
    let made = byToken?.get(tokenSecret);
    if (made !== undefined) return made;
    if (count >= KEY_CACHE_SIZE) {
      const [oldest, forgotten] = byClient.entries().next().value as [string, Map<string, HmacKey>];
      byClient.delete(oldest);
      count -= forgotten.size;
      if (oldest === clientSecret) byToken = undefined;
    }
    if (byToken === undefined) byClient.set(clientSecret, (byToken = new Map()));
    made = hmacKey(digest, Buffer.from(secretKey(keys), 'utf8'));
    byToken.set(tokenSecret, made);
    count++;
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
