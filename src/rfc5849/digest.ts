/**
 * The hash functions the signature methods and the body hash use, in one call. Where Node has
 * `crypto.hash` (20.12+) it is that call, which keeps the digest OpenSSL 3 looked up; `createHash` looks
 * it up again every time, which costs more than hashing a base string (docs/decisions.md).
 */
import { createHash, hash, type BinaryToTextEncoding } from 'node:crypto';

export type DigestName = 'sha1' | 'sha256' | 'sha512';

/** Block and output sizes in bytes (FIPS 180-4). */
export const DIGEST_SIZES: Readonly<Record<DigestName, { block: number; output: number }>> = {
  sha1: { block: 64, output: 20 },
  sha256: { block: 64, output: 32 },
  sha512: { block: 128, output: 64 },
};

const oneShot = typeof hash === 'function';

/** The digest of `data` (a string counts as its UTF-8 bytes), as bytes or in a text encoding. */
export function digest(name: DigestName, data: string | Uint8Array): Buffer;
export function digest(name: DigestName, data: string | Uint8Array, encoding: BinaryToTextEncoding): string;
export function digest(name: DigestName, data: string | Uint8Array, encoding?: BinaryToTextEncoding): Buffer | string {
  if (oneShot) return encoding === undefined ? hash(name, data, 'buffer') : hash(name, data, encoding);
  const hashed = createHash(name).update(data);
  return encoding === undefined ? hashed.digest() : hashed.digest(encoding);
}
