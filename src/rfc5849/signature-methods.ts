/**
 * RFC 5849 §3.4.2 HMAC-SHA1, §3.4.3 RSA-SHA1 and §3.4.4 PLAINTEXT, plus the SHA-256 and SHA-512
 * variants in use today (NetSuite, Mastercard): a table of methods and a resolver.
 *
 * Each method answers a boolean; the caller turns `false` into the one precise error.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { percentEncode } from './encoding';
import type { DigestName } from './digest';
import { hmac, hmacKey } from './hmac';
import { rsassaPkcs1v15Verify } from './rsassa-pkcs1-v1_5';

export type { DigestName } from './digest';

export interface SignatureKeys {
  clientSecret?: string;
  tokenSecret?: string;
  rsaPublicKey?: KeyObject;
}

export interface SignatureMethod {
  /** Which key material the method needs: the shared secrets, or the client's RSA public key. */
  readonly keyType: 'secret' | 'rsa';
  /** Digest for the `oauth_body_hash` extension when this method signs the request. */
  readonly bodyHashDigest: DigestName;
  verify(baseString: string, signature: string, keys: SignatureKeys): boolean;
}

/**
 * Compares two strings in time that depends only on their lengths (lengths are not secret here): every
 * code unit is compared, with no early exit.
 */
export function constantTimeEqual(expected: string, actual: string): boolean {
  if (expected.length !== actual.length) return false;
  let difference = 0;
  for (let i = 0; i < expected.length; i++) difference |= expected.charCodeAt(i) ^ actual.charCodeAt(i);
  return difference === 0;
}

/** §3.4.2: key = encode(client secret) "&" encode(token secret), either part possibly empty. */
function secretKey(keys: SignatureKeys): string {
  return `${percentEncode(keys.clientSecret ?? '')}&${percentEncode(keys.tokenSecret ?? '')}`;
}

const KEY_CACHE_SIZE = 1000;

/** Keeps up to KEY_CACHE_SIZE parsed keys, forgetting the oldest first. */
function keyCache<K>(parse: (text: string) => K): (text: string) => K {
  const cache = new Map<string, K>();
  return (text) => {
    let key = cache.get(text);
    if (key === undefined) {
      key = parse(text);
      if (cache.size >= KEY_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      cache.set(text, key);
    }
    return key;
  };
}

/**
 * What a method makes of the client and token secrets, kept by client secret and then token secret:
 * making it costs as much as a MAC, and looking it up by the secrets as the stores return them builds
 * no string per request. Up to KEY_CACHE_SIZE: when full, the client cached first is forgotten with all
 * its tokens.
 */
function secretsCache<K>(make: (keys: SignatureKeys) => K): (keys: SignatureKeys) => K {
  const byClient = new Map<string, Map<string, K>>();
  let count = 0;
  return (keys) => {
    const clientSecret = keys.clientSecret ?? '';
    const tokenSecret = keys.tokenSecret ?? '';
    let byToken = byClient.get(clientSecret);
    let made = byToken?.get(tokenSecret);
    if (made !== undefined) return made;
    if (count >= KEY_CACHE_SIZE) {
      const [oldest, forgotten] = byClient.entries().next().value as [string, Map<string, K>];
      byClient.delete(oldest);
      count -= forgotten.size;
      if (oldest === clientSecret) byToken = undefined;
    }
    if (byToken === undefined) byClient.set(clientSecret, (byToken = new Map()));
    made = make(keys);
    byToken.set(tokenSecret, made);
    count++;
    return made;
  };
}

function hmacMethod(digest: DigestName): SignatureMethod {
  const keyFor = secretsCache((keys) => hmacKey(digest, Buffer.from(secretKey(keys), 'utf8')));
  return {
    keyType: 'secret',
    bodyHashDigest: digest,
    verify: (baseString, signature, keys) => constantTimeEqual(hmac(keyFor(keys), baseString, 'base64'), signature),
  };
}

function rsaMethod(digest: DigestName): SignatureMethod {
  return {
    keyType: 'rsa',
    bodyHashDigest: digest,
    verify: (baseString, signature, keys) => {
      if (!keys.rsaPublicKey) return false;
      const bytes = Buffer.from(signature, 'base64');
      // Only the canonical base64 spelling is the signature that was made: altered padding bits or a
      // missing "=" would otherwise decode to the same bytes.
      if (bytes.toString('base64') !== signature) return false;
      return rsassaPkcs1v15Verify(keys.rsaPublicKey, digest, baseString, bytes);
    },
  };
}

const plaintext: SignatureMethod = {
  keyType: 'secret',
  // The body hash extension leaves PLAINTEXT undefined; SHA-1 is what its implementations use.
  bodyHashDigest: 'sha1',
  verify: (_baseString, signature, keys) => constantTimeEqual(secretKey(keys), signature),
};

const methods = new Map<string, SignatureMethod>([
  ['HMAC-SHA1', hmacMethod('sha1')],
  ['HMAC-SHA256', hmacMethod('sha256')],
  ['HMAC-SHA512', hmacMethod('sha512')],
  ['RSA-SHA1', rsaMethod('sha1')],
  ['RSA-SHA256', rsaMethod('sha256')],
  ['RSA-SHA512', rsaMethod('sha512')],
  ['PLAINTEXT', plaintext],
]);

/** Adds (or replaces) a signature method under its exact, case-sensitive name. */
export function registerSignatureMethod(name: string, method: SignatureMethod): void {
  methods.set(name, method);
}

/** The method registered under exactly this name (names are case-sensitive, §3.4.1). */
export function resolveSignatureMethod(name: string): SignatureMethod | undefined {
  return methods.get(name);
}

/** A parsed RSA public key, or null for text that is not one. */
const rsaKey = keyCache((pem): KeyObject | null => {
  try {
    const key = createPublicKey(pem);
    return key.asymmetricKeyType === 'rsa' ? key : null;
  } catch {
    return null;
  }
});

/**
 * Parses a PEM public key (or certificate) once and keeps it: parsing costs several times the verify.
 * Returns undefined for a key that cannot be parsed or is not RSA.
 */
export function parseRsaPublicKey(key: string | KeyObject): KeyObject | undefined {
  if (typeof key !== 'string') return key;
  return rsaKey(key) ?? undefined;
}
