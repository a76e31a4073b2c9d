/**
 * RFC 2104 HMAC, as HMAC-SHA1 (§3.4.2) and its SHA-256/512 variants need it:
 *   HMAC(K, text) = H((K0 XOR opad) || H((K0 XOR ipad) || text))
 * where K0 is the key, hashed first when longer than the hash's block, padded with zeros to the block.
 *
 * The padded keys are made once per key (`hmacKey`) and a MAC is then two one-shot digests: on Node 20,
 * `createHmac` costs more, as OpenSSL 3 looks the hash up again for every MAC (docs/decisions.md).
 */
import type { BinaryToTextEncoding } from 'node:crypto';
import { digest, DIGEST_SIZES, type DigestName } from './digest';

/** A key made ready for one hash. */
export interface HmacKey {
  readonly digest: DigestName;
  /** K0 XOR ipad: one block. */
  readonly inner: Buffer;
  /** K0 XOR opad, then room for the inner hash: the whole input of the outer hash. */
  readonly outer: Buffer;
}

export function hmacKey(name: DigestName, key: Uint8Array): HmacKey {
  const { block, output } = DIGEST_SIZES[name];
  const k0 = key.length > block ? digest(name, key) : key;
  const inner = Buffer.alloc(block, 0x36);
  const outer = Buffer.alloc(block + output, 0x5c);
  for (let i = 0; i < k0.length; i++) {
    inner[i] ^= k0[i];
    outer[i] ^= k0[i];
  }
  return { digest: name, inner, outer };
}

/**
 * Holds (K0 XOR ipad) || text for texts whose UTF-8 surely fits (at most 3 bytes per UTF-16 code unit);
 * a longer text, rare for a base string, gets a buffer of its own, of its exact size.
 */
const SCRATCH_BYTES = 16 * 1024;
const scratch = Buffer.allocUnsafe(SCRATCH_BYTES);

/**
 * Views of the scratch's first bytes, by length, in a few slots: a route's base strings keep their length
 * from request to request, and on Node 20 making a view costs a tenth of the MAC (docs/decisions.md).
 */
const VIEW_SLOTS = 64;
const views: (Buffer | undefined)[] = new Array<Buffer | undefined>(VIEW_SLOTS).fill(undefined);

function scratchView(length: number): Buffer {
  const slot = length & (VIEW_SLOTS - 1);
  let view = views[slot];
  if (view === undefined || view.length !== length) views[slot] = view = scratch.subarray(0, length);
  return view;
}

/** The HMAC of the UTF-8 bytes of `text`, in a text encoding. */
export function hmac(key: HmacKey, text: string, encoding: BinaryToTextEncoding): string {
  const block = key.inner.length;
  const fits = block + 3 * text.length <= SCRATCH_BYTES;
  const input = fits ? scratch : Buffer.allocUnsafe(block + Buffer.byteLength(text));
  key.inner.copy(input, 0);
  const end = block + input.write(text, block);
  // The inner hash as a latin1 string, not a Buffer: a Buffer made by node:crypto costs a native allocation,
  // a tenth of the whole verification.
  key.outer.write(digest(key.digest, fits ? scratchView(end) : input, 'binary'), block, 'latin1');
  return digest(key.digest, key.outer, encoding);
}
