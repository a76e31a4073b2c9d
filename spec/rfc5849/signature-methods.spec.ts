import { createHmac, generateKeyPairSync } from 'node:crypto';
import { percentEncode } from '../../src/rfc5849/encoding';
import { parseRsaPublicKey } from '../../src/rfc5849/rsa-sha';
import { constantTimeEqual, type SignatureMethod } from '../../src/rfc5849/signature-method';
import {
  resolveSignatureMethod,
  signatureMethodTable,
  STANDARD_SIGNATURE_METHODS,
} from '../../src/rfc5849/signature-methods';

describe('the signature method table', () => {
  it('resolves the seven built-in methods by their exact, case-sensitive names', () => {
    for (const name of [
      'HMAC-SHA1',
      'HMAC-SHA256',
      'HMAC-SHA512',
      'RSA-SHA1',
      'RSA-SHA256',
      'RSA-SHA512',
      'PLAINTEXT',
    ]) {
      expect(resolveSignatureMethod(name)).toBeDefined();
      expect(resolveSignatureMethod(name.toLowerCase())).toBeUndefined();
    }
  });

  it('lets an application add its own method to a table of its own, and changes no other table', () => {
    const sha384 = (base: string, keys: { clientSecret?: string; tokenSecret?: string }) =>
      createHmac('sha384', `${percentEncode(keys.clientSecret ?? '')}&${percentEncode(keys.tokenSecret ?? '')}`)
        .update(base)
        .digest('base64');
    const custom: SignatureMethod = {
      keyType: 'secret',
      bodyHashDigest: 'sha256',
      sign: sha384,
      verify: (base, signature, keys) => constantTimeEqual(sha384(base, keys), signature),
    };
    const table = signatureMethodTable({ 'HMAC-SHA384': custom });
    expect(resolveSignatureMethod('HMAC-SHA384')).toBeUndefined();
    expect(STANDARD_SIGNATURE_METHODS.has('HMAC-SHA384')).toBe(false);
    const method = resolveSignatureMethod('HMAC-SHA384', table);
    const signature = createHmac('sha384', 'a&b').update('base').digest('base64');
    expect(method?.verify('base', signature, { clientSecret: 'a', tokenSecret: 'b' })).toBe(true);
    expect(method?.verify('base', signature, { clientSecret: 'a', tokenSecret: 'c' })).toBe(false);
  });

  it('HMAC keys stay right past the 1,000 entries of the key cache, for every client and token secret', () => {
    const method = resolveSignatureMethod('HMAC-SHA1');
    const hmac = (key: string) => createHmac('sha1', key).update('base').digest('base64');
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 1500; i++) {
        const keys = { clientSecret: `client ${i % 700}`, tokenSecret: i % 3 ? `token ${i}` : undefined };
        const key = `${percentEncode(keys.clientSecret)}&${percentEncode(keys.tokenSecret ?? '')}`;
        expect(method?.verify('base', hmac(key), keys)).toBe(true);
        expect(method?.verify('base', hmac(`${key}x`), keys)).toBe(false);
      }
    }
  });

  it('PLAINTEXT compares the encoded secrets joined by "&"', () => {
    const plaintext = resolveSignatureMethod('PLAINTEXT');
    expect(plaintext?.verify('', 'a%20b&c', { clientSecret: 'a b', tokenSecret: 'c' })).toBe(true);
    expect(plaintext?.verify('', 'a b&c', { clientSecret: 'a b', tokenSecret: 'c' })).toBe(false);
  });
});

describe('constantTimeEqual', () => {
  it('is true only for the same code units: other lengths, other lone surrogates and one change differ', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('', '')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'ab')).toBe(false);
    expect(constantTimeEqual('ab', 'abc')).toBe(false);
    expect(constantTimeEqual('\ud800', '\ud801')).toBe(false); // both would be EF BF BD in UTF-8
  });
});

describe('parseRsaPublicKey', () => {
  it('parses a PEM once and returns the same key object afterwards', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const first = parseRsaPublicKey(pem);
    expect(first).toBeDefined();
    expect(parseRsaPublicKey(pem)).toBe(first);
  });

  it('refuses what is not an RSA public key', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    expect(parseRsaPublicKey(publicKey.export({ type: 'spki', format: 'pem' }) as string)).toBeUndefined();
    expect(parseRsaPublicKey('-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----')).toBeUndefined();
  });
});
