/**
 * RSASSA-PKCS1-v1_5 verification (RFC 8017 §8.2.2) without crypto.verify: it accepts exactly what
 * crypto.verify accepts, signatures made by crypto.sign and nothing altered, mis-padded or mis-encoded.
 */
import { constants, createHash, generateKeyPairSync, privateEncrypt, sign, verify, type KeyObject } from 'node:crypto';
import type { DigestName } from '../../src/rfc5849/digest';
import { rsassaPkcs1v15Verify } from '../../src/rfc5849/rsassa-pkcs1-v1_5';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
const DIGEST_INFO_PREFIX: Record<DigestName, string> = {
  sha1: '3021300906052b0e03021a05000414',
  sha256: '3031300d060960864801650304020105000420',
  sha512: '3051300d060960864801650304020305000440',
};
const MESSAGE = 'GET&https%3A%2F%2Fapi.example.com%2F&oauth_nonce%3Dabc';

/** A signature whose padded block holds `t`: PKCS #1 v1.5 type 1 padding, applied by OpenSSL. */
const paddedSignature = (t: Buffer) => privateEncrypt({ key: privateKey, padding: constants.RSA_PKCS1_PADDING }, t);
/** A signature of the 128-byte block `em` exactly, whatever its padding. */
const rawSignature = (em: Buffer) => privateEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, em);
const digestInfo = (name: DigestName, message = MESSAGE) =>
  Buffer.concat([Buffer.from(DIGEST_INFO_PREFIX[name], 'hex'), createHash(name).update(message).digest()]);

describe('RSASSA-PKCS1-v1_5 verification', () => {
  it.each<DigestName>(['sha1', 'sha256', 'sha512'])('accepts what crypto.sign makes with %s', (name) => {
    const signature = sign(name, Buffer.from(MESSAGE), privateKey);
    expect(rsassaPkcs1v15Verify(publicKey, name, MESSAGE, signature)).toBe(true);
    expect(rsassaPkcs1v15Verify(publicKey, name, `${MESSAGE}x`, signature)).toBe(false);
    expect(paddedSignature(digestInfo(name)).equals(signature)).toBe(true); // the encoding tested below
  });

  it('answers as crypto.verify does for every single flipped bit of a signature', () => {
    const signature = sign('sha1', Buffer.from(MESSAGE), privateKey);
    for (let bit = 0; bit < signature.length * 8; bit++) {
      const altered = Buffer.from(signature);
      altered[bit >> 3] ^= 1 << (bit & 7);
      const expected = verify('sha1', Buffer.from(MESSAGE), publicKey, altered);
      expect(rsassaPkcs1v15Verify(publicKey, 'sha1', MESSAGE, altered)).toBe(expected);
    }
  });

  it('refuses a signature that is not exactly as long as the modulus', () => {
    // About one signature in 256 starts with a zero byte, which a shorter signature could leave out.
    let message = MESSAGE;
    let signature = sign('sha1', Buffer.from(message), privateKey);
    for (let i = 0; signature[0] !== 0; i++) {
      message = `${MESSAGE}${i}`;
      signature = sign('sha1', Buffer.from(message), privateKey);
    }
    expect(rsassaPkcs1v15Verify(publicKey, 'sha1', message, signature)).toBe(true);
    expect(rsassaPkcs1v15Verify(publicKey, 'sha1', message, signature.subarray(1))).toBe(false);
    expect(verify('sha1', Buffer.from(message), publicKey, signature.subarray(1))).toBe(false);
    expect(rsassaPkcs1v15Verify(publicKey, 'sha1', message, Buffer.concat([Buffer.alloc(1), signature]))).toBe(false);
    expect(rsassaPkcs1v15Verify(publicKey, 'sha1', message, Buffer.alloc(0))).toBe(false);
  });

  it('refuses another hash’s DigestInfo, another algorithm, a missing NULL, a byte too many or too few', () => {
    const h = createHash('sha1').update(MESSAGE).digest();
    const cases: Buffer[] = [
      digestInfo('sha256'), // signed as RSA-SHA256, offered as RSA-SHA1
      Buffer.concat([Buffer.from('3021300906052b0e03021b05000414', 'hex'), h]), // another OID, same length
      Buffer.concat([Buffer.from('301f300706052b0e03021a0414', 'hex'), h]), // parameters absent, not NULL
      Buffer.concat([digestInfo('sha1'), Buffer.alloc(1)]),
      digestInfo('sha1').subarray(0, 34),
      h, // the bare digest, without DigestInfo
    ];
    for (const t of cases) {
      const signature = paddedSignature(t);
      expect(rsassaPkcs1v15Verify(publicKey, 'sha1', MESSAGE, signature)).toBe(false);
      expect(verify('sha1', Buffer.from(MESSAGE), publicKey, signature)).toBe(false);
    }
  });

  it('refuses padding other than 00 01, at least eight FF, 00', () => {
    const t = digestInfo('sha1');
    const block = (head: number[], fill: number, separator = 0) => {
      const em = Buffer.alloc(128, fill);
      Buffer.from(head).copy(em, 0);
      em[128 - t.length - 1] = separator;
      t.copy(em, 128 - t.length);
      return em;
    };
    expect(rsassaPkcs1v15Verify(publicKey, 'sha1', MESSAGE, rawSignature(block([0, 1], 0xff)))).toBe(true);
    const refused = [
      block([0, 2], 0xff), // encryption padding
      block([0, 1], 0xfe), // a padding byte other than FF
      block([0, 1], 0xff, 0xff), // no 00 before the DigestInfo
      (() => {
        const em = block([0, 1], 0xff);
        em.fill(0, 10, 128 - t.length); // 00 after eight FF, then zeros: T would start with zeros
        return em;
      })(),
      (() => {
        // Only seven FF: the DigestInfo moved left, with one more byte of garbage after it.
        const em = Buffer.alloc(128, 0x42);
        Buffer.from([0, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0]).copy(em, 0);
        t.copy(em, 10);
        return em;
      })(),
    ];
    for (const em of refused) {
      expect(rsassaPkcs1v15Verify(publicKey, 'sha1', MESSAGE, rawSignature(em))).toBe(false);
      expect(verify('sha1', Buffer.from(MESSAGE), publicKey, rawSignature(em))).toBe(false);
    }
  });

  it('refuses keys that are not RSA (PKCS #1 v1.5) keys', () => {
    const signature = sign('sha1', Buffer.from(MESSAGE), privateKey);
    const others: KeyObject[] = [
      generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey,
      generateKeyPairSync('rsa-pss', { modulusLength: 1024 }).publicKey,
      generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey,
    ];
    for (const key of others) expect(rsassaPkcs1v15Verify(key, 'sha1', MESSAGE, signature)).toBe(false);
  });
});
