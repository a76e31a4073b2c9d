/**
 * SipHash-2-4 (Aumasson and Bernstein, 2012), 64-bit output: a keyed hash fast on short inputs, so that
 * without the key nobody can choose inputs that collide or share a hash table's probe chain. In plain
 * arithmetic rather than node:crypto, which pays OpenSSL's algorithm lookup on every call.
 *
 * Each 64-bit word is held as two int32 halves (`| 0`, unsigned compares through `>>> 0`): no BigInt and no
 * allocation per call.
 */

/** Reads a 16-byte key as the four little-endian 32-bit words the hash takes: k0 low, k0 high, k1 low, k1 high. */
export function sipHashKey(bytes: Uint8Array): Int32Array {
  if (bytes.length !== 16) throw new RangeError('A SipHash key is 16 bytes.');
  const key = new Int32Array(4);
  for (let w = 0; w < 4; w++) {
    const b = w * 4;
    key[w] = bytes[b] | (bytes[b + 1] << 8) | (bytes[b + 2] << 16) | (bytes[b + 3] << 24);
  }
  return key;
}

/**
 * Hashes `text` as the message made of its UTF-16 code units, each as two bytes, low byte first: n code units
 * are a 2n-byte message. The mapping is injective (unlike UTF-8, which turns every lone surrogate into U+FFFD),
 * so different strings are different messages. Writes the hash's low and high 32 bits to `out[0]` and `out[1]`.
 */
export function sipHash24(key: Int32Array, text: string, out: Uint32Array): void {
  // The initial state: the key XOR "somepseudorandomlygeneratedbytes", each word as (low, high).
  let v0l = key[0] ^ 0x70736575;
  let v0h = key[1] ^ 0x736f6d65;
  let v1l = key[2] ^ 0x6e646f6d;
  let v1h = key[3] ^ 0x646f7261;
  let v2l = key[0] ^ 0x6e657261;
  let v2h = key[1] ^ 0x6c796765;
  let v3l = key[2] ^ 0x79746573;
  let v3h = key[3] ^ 0x74656462;
  const n = text.length;
  // Four code units make an 8-byte word. Word `last` holds the 0 to 3 code units left over and, in its top
  // byte, the message length mod 256; step `last + 1` is the finalization.
  const last = n >>> 2;
  for (let step = 0; step <= last + 1; step++) {
    let ml = 0;
    let mh = 0;
    const i = step << 2;
    if (step < last) {
      ml = text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16);
      mh = text.charCodeAt(i + 2) | (text.charCodeAt(i + 3) << 16);
    } else if (step === last) {
      const rest = n & 3;
      if (rest > 0) ml = text.charCodeAt(i);
      if (rest > 1) ml |= text.charCodeAt(i + 1) << 16;
      if (rest > 2) mh = text.charCodeAt(i + 2);
      mh |= ((n * 2) & 0xff) << 24;
    } else {
      v2l ^= 0xff;
    }
    v3l ^= ml;
    v3h ^= mh;
    // SipRound: 2 per message word, 4 to finalize.
    for (let r = step > last ? 4 : 2; r > 0; r--) {
      let lo = (v0l + v1l) | 0; // v0 += v1
      v0h = (v0h + v1h + (lo >>> 0 < v0l >>> 0 ? 1 : 0)) | 0;
      v0l = lo;
      let t = v1h; // v1 = rotl(v1, 13) ^ v0
      v1h = ((v1h << 13) | (v1l >>> 19)) ^ v0h;
      v1l = ((v1l << 13) | (t >>> 19)) ^ v0l;
      t = v0h; // v0 = rotl(v0, 32)
      v0h = v0l;
      v0l = t;
      lo = (v2l + v3l) | 0; // v2 += v3
      v2h = (v2h + v3h + (lo >>> 0 < v2l >>> 0 ? 1 : 0)) | 0;
      v2l = lo;
      t = v3h; // v3 = rotl(v3, 16) ^ v2
      v3h = ((v3h << 16) | (v3l >>> 16)) ^ v2h;
      v3l = ((v3l << 16) | (t >>> 16)) ^ v2l;
      lo = (v0l + v3l) | 0; // v0 += v3
      v0h = (v0h + v3h + (lo >>> 0 < v0l >>> 0 ? 1 : 0)) | 0;
      v0l = lo;
      t = v3h; // v3 = rotl(v3, 21) ^ v0
      v3h = ((v3h << 21) | (v3l >>> 11)) ^ v0h;
      v3l = ((v3l << 21) | (t >>> 11)) ^ v0l;
      lo = (v2l + v1l) | 0; // v2 += v1
      v2h = (v2h + v1h + (lo >>> 0 < v2l >>> 0 ? 1 : 0)) | 0;
      v2l = lo;
      t = v1h; // v1 = rotl(v1, 17) ^ v2
      v1h = ((v1h << 17) | (v1l >>> 15)) ^ v2h;
      v1l = ((v1l << 17) | (t >>> 15)) ^ v2l;
      t = v2h; // v2 = rotl(v2, 32)
      v2h = v2l;
      v2l = t;
    }
    v0l ^= ml;
    v0h ^= mh;
  }
  out[0] = v0l ^ v1l ^ v2l ^ v3l;
  out[1] = v0h ^ v1h ^ v2h ^ v3h;
}
