/**
 * RFC 8017 §8.2.2 RSASSA-PKCS1-V1_5-VERIFY: the signature scheme of RSA-SHA1 (RFC 5849 §3.4.3) and of
 * its SHA-256/512 variants.
 *
 * OpenSSL computes RSAVP1 and takes off the 00 01 FF..FF 00 padding, refusing any other (publicDecrypt);
 * what remains must be, all of it, the DigestInfo of the message's digest (§9.2). This is the
 * comparison step 4 asks for, made without `crypto.verify`, which on Node 20 has OpenSSL 3 look its
 * algorithms up on every call (docs/decisions.md).
 */
import { constants, publicDecrypt, type KeyObject } from 'node:crypto';
import { digest, DIGEST_SIZES, type DigestName } from './digest';

/** DER of DigestInfo up to the digest itself (RFC 8017 §9.2, note 1). */
const DIGEST_INFO_PREFIX: Readonly<Record<DigestName, Buffer>> = {
  sha1: Buffer.from('3021300906052b0e03021a05000414', 'hex'),
  sha256: Buffer.from('3031300d060960864801650304020105000420', 'hex'),
  sha512: Buffer.from('3051300d060960864801650304020305000440', 'hex'),
};

export function rsassaPkcs1v15Verify(key: KeyObject, name: DigestName, message: string, signature: Buffer): boolean {
  // 1. Length checking: exactly the modulus's length, as every signature made is (0 for a key that is not
  // RSA, which publicDecrypt would refuse too).
  if (signature.length !== Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8)) return false;
  // 2-3. RSAVP1, then the padding of EMSA-PKCS1-v1_5 checked and removed.
  let encoded: Buffer;
  try {
    encoded = publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, signature);
  } catch {
    return false;
  }
  // 4. What remains against the DigestInfo of the message's digest (as latin1 text: see hmac.ts).
  const prefix = DIGEST_INFO_PREFIX[name];
  const end = prefix.length + DIGEST_SIZES[name].output;
  return (
    encoded.length === end &&
    prefix.compare(encoded, 0, prefix.length) === 0 &&
    encoded.toString('latin1', prefix.length, end) === digest(name, message, 'binary')
  );
}
