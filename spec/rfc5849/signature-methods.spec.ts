import { createHmac, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { DEFAULTS } from '../../src/protector/settings';
import { percentEncode } from '../../src/rfc5849/encoding';
import * as hmacModule from '../../src/rfc5849/hmac';
import { hmacSha, KEY_CACHE_SIZE, PreparedKeys } from '../../src/rfc5849/hmac-sha';
import { parseRsaPublicKey } from '../../src/rfc5849/rsa-sha';
import { constantTimeEqual, type SignatureMethod } from '../../src/rfc5849/signature-method';
import {
  resolveSignatureMethod,
  signatureMethodTable,
  STANDARD_SIGNATURE_METHODS,
} from '../../src/rfc5849/signature-methods';
import { seedFromEnv } from '../support/seed';

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

  it('shares frozen method objects: a change to one would reach every protector', () => {
    for (const method of STANDARD_SIGNATURE_METHODS.values()) expect(Object.isFrozen(method)).toBe(true);
    expect(Object.isFrozen(DEFAULTS.signatureMethods)).toBe(true);
  });

  it('lets no one add or replace a method in the shared table, nor in a protector-style table', () => {
    const forged: SignatureMethod = { keyType: 'secret', bodyHashDigest: 'sha1', sign: () => '', verify: () => true };
    for (const table of [STANDARD_SIGNATURE_METHODS, signatureMethodTable({ 'HMAC-SHA384': forged })]) {
      const hmacSha1 = table.get('HMAC-SHA1');
      const size = table.size;
      // What JavaScript (or a cast) could try: the table has no set/delete/clear, and is no Map to borrow them for.
      expect((table as unknown as Partial<Map<string, SignatureMethod>>).set).toBeUndefined();
      expect(() => Map.prototype.set.call(table, 'HMAC-SHA1', forged)).toThrow(TypeError);
      expect(() => Map.prototype.delete.call(table, 'HMAC-SHA1')).toThrow(TypeError);
      expect(() => Object.assign(table, { get: () => forged })).toThrow(TypeError);
      // Nor through the class every table shares.
      expect(() => Object.assign(Object.getPrototypeOf(table) as object, { get: () => forged })).toThrow(TypeError);
      expect(table.get('HMAC-SHA1')).toBe(hmacSha1);
      expect(table.size).toBe(size);
      // Still read as a map: iteration, keys, forEach.
      expect([...table.keys()]).toEqual([...table].map(([name]) => name));
      const seen: string[] = [];
      table.forEach((_method, name, map) => seen.push(map === table ? name : 'another map'));
      expect(seen).toEqual([...table.keys()]);
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

  it('HMAC keys stay right past the entries of the key cache, for every client and token secret', () => {
    const method = resolveSignatureMethod('HMAC-SHA1');
    const hmac = (key: string) => createHmac('sha1', key).update('base').digest('base64');
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < KEY_CACHE_SIZE + 1500; i++) {
        const keys = { clientSecret: `client ${i % 700}`, tokenSecret: i % 3 ? `token ${i}` : undefined };
        const key = `${percentEncode(keys.clientSecret)}&${percentEncode(keys.tokenSecret ?? '')}`;
        expect(method?.verify('base', hmac(key), keys)).toBe(true);
        if (i % 10 === 0) expect(method?.verify('base', hmac(`${key}x`), keys)).toBe(false);
      }
    }
  });

  it('forgets one prepared HMAC key at a time when full, the oldest first: a client keeps its recent tokens', () => {
    const method = hmacSha(new PreparedKeys('sha1')); // a cache of its own
    const prepared = jest.spyOn(hmacModule, 'hmacKey');
    try {
      const use = (client: string, token: number) =>
        method.verify('base', 'x', { clientSecret: client, tokenSecret: `token ${token}` });
      use('other client', 0);
      for (let t = 0; t < KEY_CACHE_SIZE - 1; t++) use('client', t);
      expect(prepared).toHaveBeenCalledTimes(KEY_CACHE_SIZE);
      use('client', KEY_CACHE_SIZE); // full: 'other client' was cached first, and its one key goes
      use('client', 0); // kept: a hit
      expect(prepared).toHaveBeenCalledTimes(KEY_CACHE_SIZE + 1);
      use('client', KEY_CACHE_SIZE + 1); // full: the oldest key of 'client' goes, its other keys stay
      use('client', 1);
      use('client', KEY_CACHE_SIZE - 2);
      expect(prepared).toHaveBeenCalledTimes(KEY_CACHE_SIZE + 2);
      use('client', 0); // the one forgotten: prepared again
      use('other client', 0);
      expect(prepared).toHaveBeenCalledTimes(KEY_CACHE_SIZE + 4);
      // A client whose only key is the oldest, wanting another when the cache is full: it loses that key and is kept.
      const another = hmacSha(new PreparedKeys('sha1'));
      const useAnother = (client: string, token: number) =>
        another.verify('base', 'x', { clientSecret: client, tokenSecret: `token ${token}` });
      useAnother('solo', 0);
      for (let t = 0; t < KEY_CACHE_SIZE - 1; t++) useAnother('client', t);
      prepared.mockClear();
      useAnother('solo', 1);
      useAnother('solo', 1);
      expect(prepared).toHaveBeenCalledTimes(1);
    } finally {
      prepared.mockRestore();
    }
  });

  it('makes no HMAC key cache that could hold no key', () => {
    for (const capacity of [0, -1, 1.5, NaN]) expect(() => new PreparedKeys('sha1', capacity)).toThrow(RangeError);
  });

  it('leaves its prepared HMAC keys as they were when a secret cannot be encoded', () => {
    const capacity = 3;
    const method = hmacSha(new PreparedKeys('sha1', capacity));
    const hmac = (key: string) => createHmac('sha1', key).update('base').digest('base64');
    const use = (clientSecret: string, tokenSecret: string) =>
      method.verify('base', hmac(`${percentEncode(clientSecret)}&${percentEncode(tokenSecret)}`), {
        clientSecret,
        tokenSecret,
      });
    use('x', 'first');
    expect(use('a', 'first')).toBe(true);
    for (let t = 0; t < capacity - 2; t++) use('client', `${t}`);
    expect(() => method.verify('base', 'x', { clientSecret: 'a', tokenSecret: '\uD800' })).toThrow(URIError);
    // Every key in the cache is forgotten in turn ('a' loses its only one, and with it its place), and more.
    for (let t = 0; t < capacity + 2; t++) expect(use('client', `again ${t}`)).toBe(true);
    expect(use('a', 'first')).toBe(true);
    expect(use('x', 'first')).toBe(true);
  });

  it('keeps at most its capacity of HMAC keys, forgets them in the order they were made, and no client without one', () => {
    const prepared = jest.spyOn(hmacModule, 'hmacKey');
    const step = fc.record({
      client: fc.constantFrom('', 'a', 'b', 'c', 'd'),
      token: fc.constantFrom('', 't1', 't2', 't3'),
    });
    try {
      fc.assert(
        fc.property(
          fc.constantFrom(1, 2, 3, 5, 8),
          fc.array(step, { maxLength: 120, size: 'max' }),
          (capacity, steps) => {
            const cache = new PreparedKeys('sha256', capacity);
            const method = hmacSha(cache);
            const model: [client: string, token: string][] = []; // the keys kept, the first made first
            for (const { client, token } of steps) {
              const kept = model.some(([c, t]) => c === client && t === token);
              if (!kept) model.push([client, token]);
              if (model.length > capacity) model.shift();
              prepared.mockClear();
              const signature = createHmac('sha256', `${client}&${token}`).update('base').digest('base64');
              expect(method.verify('base', signature, { clientSecret: client, tokenSecret: token })).toBe(true);
              expect(prepared).toHaveBeenCalledTimes(kept ? 0 : 1);
              expect(cache.size).toBe(model.length);
              expect(cache.clientCount).toBe(new Set(model.map(([c]) => c)).size);
            }
          },
        ),
        { seed: seedFromEnv('FC_SEED', 5849), numRuns: 50 },
      );
    } finally {
      prepared.mockRestore();
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

  it('keeps the 1,000 PEM texts parsed last: one is parsed again once 1,000 others came after it', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
    for (const others of [999, 1000]) {
      const text = pem + '\n'.repeat(others); // a PEM text of its own each round
      const first = parseRsaPublicKey(text);
      for (let i = 0; i < others; i++) parseRsaPublicKey(`not a key ${others} ${i}`);
      expect([others, parseRsaPublicKey(text) === first]).toEqual([others, others < 1000]);
    }
  });

  it('refuses what is not an RSA public key', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    expect(parseRsaPublicKey(publicKey.export({ type: 'spki', format: 'pem' }) as string)).toBeUndefined();
    expect(parseRsaPublicKey('-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----')).toBeUndefined();
  });
});
