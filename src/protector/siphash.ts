/**
 * SipHash-1-3 (Aumasson and Bernstein, 2012: one SipRound a message word, three to finalize), 64-bit output: a keyed
 * hash fast on short inputs, so that without the key nobody can choose inputs that collide or share a hash table's
 * probe chain. The variant CPython's and Rust's hash tables and the Linux kernel's `hsiphash` use against hash
 * flooding; SipHash-2-4, the MAC-strength one, cost 1.3 times as much here (docs/decisions.md). In plain arithmetic
 * rather than node:crypto, which pays OpenSSL's algorithm lookup on every call.
 *
 * Each 64-bit word is held as two int32 halves (`| 0`, carries found bitwise): no BigInt and no allocation per
 * call.
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

/** The last 0 to 7 bytes of a message, low and high word, written by `tail`: no allocation per call. */
const rest = new Int32Array(2);

/**
 * Writes the message's last bytes, those after its full words, to `rest`: the code units of `text` from `from` on
 * (one byte each, or two, low byte first, when `wide`), then the mode byte (1 when `wide`, else 0). False, and
 * nothing written, when a unit of a text taken as Latin-1 is above 0xff.
 */
function tail(text: string, from: number, wide: boolean): boolean {
  let lo = 0;
  let hi = 0;
  let at = 0;
  for (let k = from; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c > 0xff && !wide) return false;
    for (let b = wide ? 2 : 1, unit = c; b > 0; b--, unit >>>= 8, at++) {
      if (at < 4) lo |= (unit & 0xff) << (8 * at);
      else hi |= (unit & 0xff) << (8 * (at - 4));
    }
  }
  if (wide) {
    if (at < 4) lo |= 1 << (8 * at);
    else hi |= 1 << (8 * (at - 4));
  }
  rest[0] = lo;
  rest[1] = hi;
  return true;
}

/**
 * Hashes `text` as a message of bytes: its code units one byte each when every one is at most 0xff (Latin-1, which
 * every ASCII key is), and otherwise two bytes each, low byte first (UTF-16LE); then one byte saying which, 0 or 1.
 * Each mapping is injective and the last byte keeps their messages apart, so different strings are different
 * messages (UTF-8 would turn every lone surrogate into U+FFFD). A Latin-1 key hashes half the bytes of its UTF-16
 * form. Writes the hash's low and high 32 bits to `out[0]` and `out[1]`.
 */
export function sipHash13(key: Int32Array, text: string, out: Uint32Array): void {
  if (!hashAs(key, text, out, false)) hashAs(key, text, out, true);
}

/** The hash of `text` read as Latin-1 or UTF-16; false, with nothing written, when a Latin-1 reading meets a wide unit. */
function hashAs(key: Int32Array, text: string, out: Uint32Array, wide: boolean): boolean {
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
  const length = (wide ? 2 * n : n) + 1; // in bytes, the mode byte last
  // Word `words` holds the 0 to 7 bytes left over and, in its top byte, the length mod 256; step `words + 1` is
  // the finalization.
  const words = length >>> 3;
  for (let step = 0; step <= words + 1; step++) {
    let ml = 0;
    let mh = 0;
    if (step < words) {
      if (wide) {
        const i = step << 2;
        ml = text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16);
        mh = text.charCodeAt(i + 2) | (text.charCodeAt(i + 3) << 16);
      } else {
        const i = step << 3;
        const c0 = text.charCodeAt(i);
        const c1 = text.charCodeAt(i + 1);
        const c2 = text.charCodeAt(i + 2);
        const c3 = text.charCodeAt(i + 3);
        const c4 = text.charCodeAt(i + 4);
        const c5 = text.charCodeAt(i + 5);
        const c6 = text.charCodeAt(i + 6);
        // The last full word of a Latin-1 text of 8k + 7 units ends with the mode byte, 0.
        const c7 = i + 7 < n ? text.charCodeAt(i + 7) : 0;
        if ((c0 | c1 | c2 | c3 | c4 | c5 | c6 | c7) > 0xff) return false;
        ml = c0 | (c1 << 8) | (c2 << 16) | (c3 << 24);
        mh = c4 | (c5 << 8) | (c6 << 16) | (c7 << 24);
      }
    } else if (step === words) {
      if (!tail(text, wide ? step << 2 : step << 3, wide)) return false;
      ml = rest[0];
      mh = rest[1] | ((length & 0xff) << 24);
    } else {
      v2l ^= 0xff;
    }
    v3l ^= ml;
    v3h ^= mh;
    // SipRound: 1 per message word, 3 to finalize. A sum's carry out of the low half is the top bit of
    // (a & b) | ((a | b) & ~sum): bitwise, where an unsigned compare cost a quarter of the hash.
    for (let r = step > words ? 3 : 1; r > 0; r--) {
      let lo = (v0l + v1l) | 0; // v0 += v1
      v0h = (v0h + v1h + (((v0l & v1l) | ((v0l | v1l) & ~lo)) >>> 31)) | 0;
      v0l = lo;
      let t = v1h; // v1 = rotl(v1, 13) ^ v0
      v1h = ((v1h << 13) | (v1l >>> 19)) ^ v0h;
      v1l = ((v1l << 13) | (t >>> 19)) ^ v0l;
      t = v0h; // v0 = rotl(v0, 32)
      v0h = v0l;
      v0l = t;
      lo = (v2l + v3l) | 0; // v2 += v3
      v2h = (v2h + v3h + (((v2l & v3l) | ((v2l | v3l) & ~lo)) >>> 31)) | 0;
      v2l = lo;
      t = v3h; // v3 = rotl(v3, 16) ^ v2
      v3h = ((v3h << 16) | (v3l >>> 16)) ^ v2h;
      v3l = ((v3l << 16) | (t >>> 16)) ^ v2l;
      lo = (v0l + v3l) | 0; // v0 += v3
      v0h = (v0h + v3h + (((v0l & v3l) | ((v0l | v3l) & ~lo)) >>> 31)) | 0;
      v0l = lo;
      t = v3h; // v3 = rotl(v3, 21) ^ v0
      v3h = ((v3h << 21) | (v3l >>> 11)) ^ v0h;
      v3l = ((v3l << 21) | (t >>> 11)) ^ v0l;
      lo = (v2l + v1l) | 0; // v2 += v1
      v2h = (v2h + v1h + (((v2l & v1l) | ((v2l | v1l) & ~lo)) >>> 31)) | 0;
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
  return true;
}
