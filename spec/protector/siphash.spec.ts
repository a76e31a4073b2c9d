/**
 * SipHash-2-4 against the official 64-bit vectors (spec/vectors/siphash24.json) and, on random keys and
 * strings (fast-check, seeded), against a plain BigInt reference over the string's UTF-16LE bytes.
 */
import fc from 'fast-check';
import { sipHash24, sipHashKey } from '../../src/protector/siphash';
import { seedFromEnv } from '../support/seed';
import vectors from '../vectors/siphash24.json';

const runs = { seed: seedFromEnv('FC_SEED', 2012), numRuns: 500 };

/** The hash written by sipHash24 as the 8 bytes the vectors list: the 64-bit value, little-endian, in hex. */
function hashHex(key: Uint8Array, text: string): string {
  const out = new Uint32Array(2);
  sipHash24(sipHashKey(key), text, out);
  const bytes = Buffer.alloc(8);
  bytes.writeUInt32LE(out[0], 0);
  bytes.writeUInt32LE(out[1], 4);
  return bytes.toString('hex');
}

/** The string whose UTF-16 code units, low byte first, are `bytes` (of even length). */
const fromUtf16le = (bytes: Uint8Array): string =>
  Array.from({ length: bytes.length / 2 }, (_, i) => String.fromCharCode(bytes[2 * i] | (bytes[2 * i + 1] << 8))).join(
    '',
  );

/** `text`'s UTF-16 code units as bytes, low byte first: the message sipHash24 hashes. */
const utf16le = (text: string): Uint8Array =>
  Uint8Array.from({ length: text.length * 2 }, (_, i) => (text.charCodeAt(i >> 1) >> ((i & 1) * 8)) & 0xff);

/** SipHash-2-4 straight from the paper, in 64-bit BigInt words: slow, but a separate account of the definition. */
function referenceHex(key: Uint8Array, message: Uint8Array): string {
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
    round();
    round();
    v0 ^= m;
  }
  v2 ^= 0xffn;
  for (let r = 0; r < 4; r++) round();
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE(v0 ^ v1 ^ v2 ^ v3);
  return out.toString('hex');
}

const vectorKey = Buffer.from(vectors.key, 'hex');
/** Message `length` of the vectors: bytes 00 01 02 .. */
const vectorMessage = (length: number) => Uint8Array.from({ length }, (_, i) => i);

describe('sipHash24', () => {
  it('matches the 64 official vectors (checks the reference used below)', () => {
    expect(vectors.outputs).toHaveLength(64);
    vectors.outputs.forEach((expected, length) =>
      expect(referenceHex(vectorKey, vectorMessage(length))).toBe(expected),
    );
  });

  it('matches every even-length official vector through the UTF-16 string form', () => {
    // A string of n code units is a 2n-byte message, so only the even lengths have a string form.
    for (let length = 0; length < 64; length += 2) {
      expect(hashHex(vectorKey, fromUtf16le(vectorMessage(length)))).toBe(vectors.outputs[length]);
    }
  });

  const anyKey = fc.uint8Array({ minLength: 16, maxLength: 16 });
  // Any code units, lone surrogates included; lengths cross several 4-unit words and the 256-byte length wrap.
  const anyText = fc
    .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 300 })
    .map((units) => String.fromCharCode(...units));

  it('equals the reference over the string UTF-16LE bytes, for any key and string', () => {
    fc.assert(
      fc.property(anyKey, anyText, (key, text) => hashHex(key, text) === referenceHex(key, utf16le(text))),
      runs,
    );
  });

  it('gives equal strings equal hashes, whatever was hashed in between', () => {
    fc.assert(
      fc.property(anyKey, anyText, anyText, (bytes, text, other) => {
        const key = sipHashKey(bytes);
        const copy = Array.from(text, (c) => c).join(''); // an equal string built separately
        const first = new Uint32Array(2);
        const out = new Uint32Array(2);
        sipHash24(key, text, first);
        sipHash24(key, other, out);
        sipHash24(key, copy, out);
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
