/**
 * RFC 5849 §3.4.3 RSA-SHA1, and the RSA-SHA256/512 variants (Mastercard): RSASSA-PKCS1-v1_5 over the base
 * string with the client's RSA key pair, the signature in base64.
 */
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { DigestName } from './digest';
import type { SignatureMethod } from './signature-method';

const KEY_CACHE_SIZE = 1000;

/** Parsed RSA public keys by their PEM text, oldest forgotten first: parsing costs several times a verify. */
const parsedKeys = new Map<string, KeyObject | null>();

/**
 * The RSA public key of a PEM public key or certificate (parsed once and kept), or a KeyObject as it is;
 * undefined for anything that is not an RSA public key.
 */
export function parseRsaPublicKey(key: string | KeyObject): KeyObject | undefined {
  if (typeof key !== 'string') return key.asymmetricKeyType === 'rsa' ? key : undefined;
  let parsed = parsedKeys.get(key);
  if (parsed === undefined) {
    try {
      const made = createPublicKey(key);
      parsed = made.asymmetricKeyType === 'rsa' ? made : null;
    } catch {
      parsed = null;
    }
    if (parsedKeys.size >= KEY_CACHE_SIZE) parsedKeys.delete(parsedKeys.keys().next().value as string);
    parsedKeys.set(key, parsed);
  }
  return parsed ?? undefined;
}

export function rsaSha(digest: DigestName): SignatureMethod {
  return {
    keyType: 'rsa',
    bodyHashDigest: digest,
    sign: (baseString, keys) => {
      if (keys.rsaPrivateKey === undefined) throw new TypeError("RSA signing needs the client's private key.");
      const key = typeof keys.rsaPrivateKey === 'string' ? createPrivateKey(keys.rsaPrivateKey) : keys.rsaPrivateKey;
      // node:crypto would sign with an EC key too, as ECDSA under this method's name.
      if (key.asymmetricKeyType !== 'rsa') throw new TypeError('RSA signing needs an RSA private key.');
      return sign(digest, Buffer.from(baseString, 'utf8'), key).toString('base64');
    },
    verify: (baseString, signature, keys) => {
      // Only an RSA key verifies RSASSA-PKCS1-v1_5: node:crypto would verify ECDSA or RSA-PSS with another.
      if (keys.rsaPublicKey?.asymmetricKeyType !== 'rsa') return false;
      const bytes = Buffer.from(signature, 'base64');
      // Only the canonical base64 spelling is the signature that was made: altered padding bits or a
      // missing "=" would otherwise decode to the same bytes.
      if (bytes.toString('base64') !== signature) return false;
      try {
        return verify(digest, Buffer.from(baseString, 'utf8'), keys.rsaPublicKey, bytes);
      } catch {
        return false; // a signature OpenSSL cannot even read is one that does not verify
      }
    },
  };
}
