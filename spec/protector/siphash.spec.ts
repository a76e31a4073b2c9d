/**
 * SipHash-1-3 against a plain BigInt reference of SipHash-c-d, over the message a string is hashed as (its Latin-1
 * bytes then 0, or its UTF-16LE bytes then 1), on random keys and strings (fast-check, seeded). The reference is
 * checked first against SipHash-1-3's published 64-bit vectors (spec/vectors/siphash13.json) and, with two rounds
 * a word and four to finalize, against SipHash-2-4's official ones (spec/vectors/siphash24.json).
 */
import fc from 'fast-check';
import { sipHash13, sipHashKey } from '../../src/protector/siphash';
import { seedFromEnv } from '../support/seed';
import vectors13 from '../vectors/siphash13.json';
import vectors24 from '../vectors/siphash24.json';

const runs = { seed: seedFromEnv('FC_SEED', 2012), numRuns: 500 };

/** The hash written by sipHash13 as the 8 bytes the vectors list: the 64-bit value, little-endian, in hex. */
function hashHex(key: Uint8Array, text: string): string {
  const out = new Uint32Array(2);
  sipHash13(sipHashKey(key), text, out);
  const bytes = Buffer.alloc(8);
  bytes.writeUInt32LE(out[0], 0);
  bytes.writeUInt32LE(out[1], 4);
  return bytes.toString('hex');
}

/**
 * The message sipHash13 hashes for `text`: one byte a code unit when all are at most 0xff, else two, low byte
 * first; then 0 or 1 for which.
 */
function message(text: string): Uint8Array {
  const units = Array.from({ length: text.length }, (_, i) => text.charCodeAt(i));
  const wide = units.some((unit) => unit > 0xff);
  const bytes = wide ? units.flatMap((u) => [u & 0xff, u >> 8]) : units;
  return Uint8Array.from([...bytes, wide ? 1 : 0]);
}

/** The Latin-1 string of `bytes`: its message is `bytes` and then 0. */
const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

/**
 * SipHash-c-d straight from the paper (c SipRounds a message word, d to finalize), in 64-bit BigInt words: slow, but
 * a separate account of the definition.
 */
function referenceHex(key: Uint8Array, message: Uint8Array, c = 1, d = 3): string {
  const mask = (1n << 64n) - 1n;
  const rotl = (x: bigint, b: bigint) => ((x << b) | (x >> (64n - b))) & mask;
  const word = (bytes: Uint8Array, at: number) => Buffer.from(bytes.subarray(at, at + 8)).readBigUInt64LE();
  const k0 = word(key, 0);
  const k1 = word(key, 8);
  let [v0, v1, v2, v3] = [
    k0 ^ 0x736f6d6570736575n,
    k1 ^ 0x646f72616e646f6dn,
    k0 ^ 0x6c7967656e657261n,
    k1 ^ 0x7465646279746573n,
  ];
  const round = () => {
    v0 = (v0 + v1) & mask;
    v1 = rotl(v1, 13n) ^ v0;
    v0 = rotl(v0, 32n);
    v2 = (v2 + v3) & mask;
    v3 = rotl(v3, 16n) ^ v2;
    v0 = (v0 + v3) & mask;
    v3 = rotl(v3, 21n) ^ v0;
    v2 = (v2 + v1) & mask;
    v1 = rotl(v1, 17n) ^ v2;
    v2 = rotl(v2, 32n);
  };
  const full = message.length - (message.length % 8);
  const last = new Uint8Array(8);
  last.set(message.subarray(full));
  last[7] = message.length & 0xff;
  const words = [];
  for (let at = 0; at < full; at += 8) words.push(word(message, at));
  words.push(word(last, 0));
  for (const m of words) {
    v3 ^= m;
    for (let r = 0; r < c; r++) round();
    v0 ^= m;
  }
  v2 ^= 0xffn;
  for (let r = 0; r < d; r++) round();
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE(v0 ^ v1 ^ v2 ^ v3);
  return out.toString('hex');
}

const vectorKey = Buffer.from(vectors13.key, 'hex');
/** Message `length` of the vectors: bytes 00 01 02 .. */
const vectorMessage = (length: number) => Uint8Array.from({ length }, (_, i) => i);

describe('sipHash13', () => {
  it("matches SipHash-1-3's 64 published vectors (checks the reference used below)", () => {
    expect(vectors13.outputs).toHaveLength(64);
    vectors13.outputs.forEach((expected, length) =>
      expect(referenceHex(vectorKey, vectorMessage(length))).toBe(expected),
    );
  });

  it("matches SipHash-2-4's 64 official vectors with 2 and 4 rounds (the reference's rounds are the paper's)", () => {
    expect(vectors24.key).toBe(vectors13.key);
    expect(vectors24.outputs).toHaveLength(64);
    vectors24.outputs.forEach((expected, length) =>
      expect(referenceHex(vectorKey, vectorMessage(length), 2, 4)).toBe(expected),
    );
  });

  it('matches the published vector of the message 00 for the empty string (its message is the mode byte, 0)', () => {
    expect(hashHex(vectorKey, '')).toBe(vectors13.outputs[1]);
  });

  const anyKey = fc.uint8Array({ minLength: 16, maxLength: 16 });
  // Lengths up to 700 units (`size: 'max'`: fast-check's default size stops at about ten), so that messages cross
  // the 256-byte wraps of the length byte, as a nonce key of the default 255-character limits can.
  const latin1Text = fc.uint8Array({ maxLength: 700, size: 'max' }).map(latin1);
  // Any code units, lone surrogates included.
  const anyText = fc
    .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 700, size: 'max' })
    .map((units) => String.fromCharCode(...units));

  it('equals the reference over the message of a Latin-1 string (its bytes, then 0), for any key and string', () => {
    fc.assert(
      fc.property(anyKey, latin1Text, (key, text) => hashHex(key, text) === referenceHex(key, message(text))),
      runs,
    );
  });

  it('equals the reference over the message of any string (UTF-16LE bytes, then 1, once a unit is above 0xff)', () => {
    fc.assert(
      fc.property(anyKey, anyText, (key, text) => hashHex(key, text) === referenceHex(key, message(text))),
      runs,
    );
  });

  it('equals the reference at every length from 0 to 300, Latin-1, UTF-16 and Latin-1 ending in a wide unit', () => {
    const key = Uint8Array.from({ length: 16 }, (_, i) => 255 - i);
    for (let length = 0; length <= 300; length++) {
      for (const text of ['x'.repeat(length), 'ÿ'.repeat(length), `${'é'.repeat(length)}\u0100`]) {
        expect([length, hashHex(key, text)]).toEqual([length, referenceHex(key, message(text))]);
      }
    }
  });

  it('keeps a Latin-1 string and the UTF-16 string of the same bytes apart', () => {
    // "AB" is the bytes 41 42, and so is the one code unit U+4241 low byte first: only the mode byte differs.
    expect(message('AB').subarray(0, 2)).toEqual(message('\u4241').subarray(0, 2));
    expect(hashHex(vectorKey, 'AB')).not.toBe(hashHex(vectorKey, '\u4241'));
  });

  it('gives equal strings equal hashes, whatever was hashed in between', () => {
    fc.assert(
      fc.property(anyKey, anyText, anyText, (bytes, text, other) => {
        const key = sipHashKey(bytes);
        const copy = Array.from(text, (c) => c).join(''); // an equal string built separately
        const first = new Uint32Array(2);
        const out = new Uint32Array(2);
        sipHash13(key, text, first);
        sipHash13(key, other, out);
        sipHash13(key, copy, out);
        return out[0] === first[0] && out[1] === first[1];
      }),
      runs,
    );
  });

  it('takes a 16-byte key only', () => {
    expect(() => sipHashKey(new Uint8Array(15))).toThrow(RangeError);
    expect(() => sipHashKey(new Uint8Array(17))).toThrow(RangeError);
  });
});
