/**
 * RFC 5849 §3.4.4 PLAINTEXT: the signature is the key itself, `encode(client secret) "&" encode(token
 * secret)`; only safe over TLS (§4.5).
 */
import { constantTimeEqual, secretKey, type SignatureMethod } from './signature-method';

export const plaintext: SignatureMethod = {
  keyType: 'secret',
  // The body hash extension leaves PLAINTEXT undefined; SHA-1 is what its implementations use.
  bodyHashDigest: 'sha1',
  sign: (_baseString, keys) => secretKey(keys),
  verify: (_baseString, signature, keys) =>
    typeof keys.clientSecret === 'string' && constantTimeEqual(secretKey(keys), signature),
};
