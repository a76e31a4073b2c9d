/**
 * RFC 2104 HMAC over one-shot digests: the RFC 2202 and RFC 4231 vectors (spec/vectors), then the same
 * MAC as OpenSSL's HMAC for any key and text, and the same again where Node has no one-shot `hash`.
 */
import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import type { DigestName } from '../../src/rfc5849/digest';
import { hmac, hmacKey } from '../../src/rfc5849/hmac';
import { seedFromEnv } from '../support/seed';
import vectors from '../vectors/hmac-rfc2202-rfc4231.json';

const DIGESTS: DigestName[] = ['sha1', 'sha256', 'sha512'];

describe('HMAC (RFC 2104)', () => {
  it.each(vectors.vectors.map((v) => [`${v.source} case ${v.case}, ${v.digest}`, v] as const))(
    'gives the published MAC: %s',
    (_name, v) => {
      const key = hmacKey(v.digest as DigestName, Buffer.from(v.key, 'hex'));
      expect(hmac(key, v.data, 'hex')).toBe(v.mac);
    },
  );

  it('gives OpenSSL’s MAC for keys shorter than, as long as and longer than the block, and any text', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...DIGESTS),
        // `size: 'max'`: fast-check's default size stops at ten bytes, short of every block (64 and 128 bytes).
        fc.uint8Array({ maxLength: 200, size: 'max' }),
        fc.string({ unit: 'binary', maxLength: 300, size: 'max' }),
        (name, key, text) => {
          expect(hmac(hmacKey(name, key), text, 'base64')).toBe(createHmac(name, key).update(text).digest('base64'));
        },
      ),
      { seed: seedFromEnv('FC_SEED', 5849), numRuns: 400 },
    );
  });

  it('is right for texts around and beyond its 16 KiB buffer, and keys used in turn', () => {
    const keys = DIGESTS.map((name) => [name, randomBytes(40)] as const);
    for (const length of [0, 1, 5_440, 5_441, 5_500, 20_000]) {
      for (const text of ['a'.repeat(length), 'é'.repeat(length), '€'.repeat(length)]) {
        for (const [name, key] of keys) {
          expect(hmac(hmacKey(name, key), text, 'hex')).toBe(createHmac(name, key).update(text).digest('hex'));
        }
      }
    }
  });

  it('is right when texts of different lengths take turns, however their lengths share its remembered views', () => {
    const secret = randomBytes(20);
    const key = hmacKey('sha1', secret);
    // Views are kept in 64 slots by the input's length (a 64-byte block and the text): texts of 185, 249, 313
    // and 377 bytes share one, 250 another.
    for (const length of [249, 313, 249, 377, 250, 249, 313, 313, 185]) {
      const text = 'x'.repeat(length);
      expect(hmac(key, text, 'base64')).toBe(createHmac('sha1', secret).update(text).digest('base64'));
    }
  });

  it('computes the same MACs where Node has no one-shot hash (before 20.12)', () => {
    jest.isolateModules(() => {
      jest.doMock('node:crypto', () => ({ ...jest.requireActual('node:crypto'), hash: undefined }));
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module, loaded again under the mock
      const old = require('../../src/rfc5849/hmac') as typeof import('../../src/rfc5849/hmac');
      for (const v of vectors.vectors) {
        expect(old.hmac(old.hmacKey(v.digest as DigestName, Buffer.from(v.key, 'hex')), v.data, 'hex')).toBe(v.mac);
      }
    });
    jest.dontMock('node:crypto');
  });
});
