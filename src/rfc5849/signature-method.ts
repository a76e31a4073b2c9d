/**
 * What a signature method is (RFC 5849 §3.4): it signs a base string with the client's key material and
 * verifies a signature against it, answering a boolean that the caller turns into one precise error.
 */
import type { KeyObject } from 'node:crypto';
import type { DigestName } from './digest';
import { percentEncode } from './encoding';

/** What a verifier holds: the shared secrets, or the client's RSA public key. */
export interface SignatureKeys {
  clientSecret?: string;
  tokenSecret?: string;
  rsaPublicKey?: KeyObject;
}

/** What a signer holds: the shared secrets, or the client's RSA private key (a KeyObject or PEM). */
export interface SigningKeys {
  clientSecret?: string;
  tokenSecret?: string;
  rsaPrivateKey?: KeyObject | string;
}

export interface SignatureMethod {
  /** Which key material the method needs: the shared secrets, or the client's RSA key pair. */
  readonly keyType: 'secret' | 'rsa';
  /** The method's own digest, for the `oauth_body_hash` extension. */
  readonly bodyHashDigest: DigestName;
  sign(baseString: string, keys: SigningKeys): string;
  verify(baseString: string, signature: string, keys: SignatureKeys): boolean;
}

/** §3.4.2 and §3.4.4: key = encode(client secret) "&" encode(token secret), either part possibly empty. */
export function secretKey(keys: { clientSecret?: string; tokenSecret?: string }): string {
  return `${percentEncode(keys.clientSecret ?? '')}&${percentEncode(keys.tokenSecret ?? '')}`;
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
