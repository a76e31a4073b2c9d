/**
 * signRequest(): every standard method in every placement verifies with the library's own verifier and
 * agrees with the tests' independent signer; it reproduces the published vectors; it hashes a body with the
 * method's digest; and it refuses options that cannot make a request the guard accepts.
 */
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { signRequest, type SignRequestOptions, type SignRequestResult } from '../../src/rfc5849/sign-request';
import { signatureMethodTable, STANDARD_SIGNATURE_METHODS } from '../../src/rfc5849/signature-methods';
import type { SignatureKeys } from '../../src/rfc5849/signature-method';
import { verifySignature } from '../../src/rfc5849/verify-signature';
import type { OAuthRequest } from '../../src/rfc5849/verify-request';
import { ALICE, DEMO_PRIVATE_KEY, sign } from '../support/sign';

const FORM = 'application/x-www-form-urlencoded';
const URL_WITH_QUERY = 'http://127.0.0.1:8080/api/x%20y?b=2&a=x%20y+z&c=';
const FORM_PAIRS: [string, string][] = [
  ['text', 'a+b & c'],
  ['é', '100%'],
];
const FIXED = { timestamp: 1700000000, nonce: 'fixednonce' };

/** Alice's options for a method: her secrets, or her RSA key. */
function alice(signatureMethod: string): SignRequestOptions {
  const rsa = signatureMethod.startsWith('RSA-');
  return {
    method: 'PUT',
    url: URL_WITH_QUERY,
    consumerKey: ALICE.consumerKey,
    token: ALICE.token,
    signatureMethod,
    ...(rsa
      ? { rsaPrivateKey: DEMO_PRIVATE_KEY }
      : { consumerSecret: ALICE.consumerSecret, tokenSecret: ALICE.tokenSecret }),
    ...FIXED,
  };
}

/** What a verifier holds for Alice. */
function aliceKeys(signatureMethod: string): SignatureKeys {
  return signatureMethod.startsWith('RSA-')
    ? { rsaPublicKey: createPublicKey(DEMO_PRIVATE_KEY) }
    : { clientSecret: ALICE.consumerSecret, tokenSecret: ALICE.tokenSecret };
}

/** The signed request as a server receives it, taken apart as an adapter would (the URL's port is not a default). */
function received(signed: SignRequestResult): OAuthRequest {
  const url = new URL(signed.url);
  return {
    method: signed.method,
    uri: `${url.protocol}//${url.host}${url.pathname}`,
    secure: true,
    authorization: signed.headers.Authorization,
    query: url.search.slice(1),
    form: signed.headers['Content-Type'] === FORM ? String(signed.body) : undefined,
  };
}

describe('signRequest', () => {
  describe.each([...STANDARD_SIGNATURE_METHODS.keys()])('%s', (signatureMethod) => {
    it.each(['header', 'query', 'form'] as const)(
      'placed in the %s: verifies, and agrees with the independent signer',
      (placement) => {
        const signed = signRequest({ ...alice(signatureMethod), placement, form: FORM_PAIRS });
        const request = received(signed);
        expect(verifySignature(request, aliceKeys(signatureMethod))).toBe(true);
        if (signatureMethod !== 'PLAINTEXT') {
          expect(verifySignature({ ...request, uri: `${request.uri}/` }, aliceKeys(signatureMethod))).toBe(false);
        }

        const expected = sign({ method: 'PUT', url: URL_WITH_QUERY, form: FORM_PAIRS, signatureMethod, ...FIXED });
        expect(signed.baseString).toBe(expected.baseString);
        expect(signed.signature).toBe(expected.signature);
        expect(Object.keys(signed.headers).sort()).toEqual(
          placement === 'header' ? ['Authorization', 'Content-Type'] : ['Content-Type'],
        );
        expect(signed.url.startsWith(URL_WITH_QUERY)).toBe(true);
        expect(signed.url.includes('oauth_signature=')).toBe(placement === 'query');
        expect(String(signed.body).includes('oauth_signature=')).toBe(placement === 'form');
        expect(String(signed.body).startsWith('text=a%2Bb%20%26%20c&%C3%A9=100%25')).toBe(true);
      },
    );

    it('without a token (two-legged), the key ends in "&"', () => {
      const signed = signRequest({
        ...alice(signatureMethod),
        token: undefined,
        tokenSecret: undefined,
        method: 'GET',
      });
      expect(signed.headers.Authorization).not.toContain('oauth_token');
      const keys = { ...aliceKeys(signatureMethod), tokenSecret: undefined };
      expect(verifySignature(received(signed), keys)).toBe(true);
      const expected = sign({
        url: URL_WITH_QUERY,
        signatureMethod,
        who: { ...ALICE, tokenSecret: undefined },
        oauth: { oauth_token: undefined },
        ...FIXED,
      });
      expect(signed.baseString).toBe(expected.baseString);
      expect(signed.signature).toBe(expected.signature);
    });

    it("covers any other body by oauth_body_hash, the method's own digest", () => {
      const body = '{"text":"héllo"}';
      const signed = signRequest({ ...alice(signatureMethod), method: 'POST', body, contentType: 'application/json' });
      const digest = STANDARD_SIGNATURE_METHODS.get(signatureMethod)!.bodyHashDigest;
      const hash = createHash(digest).update(body, 'utf8').digest('base64');
      expect(signed.headers).toEqual({ Authorization: expect.any(String), 'Content-Type': 'application/json' });
      expect(signed.headers.Authorization).toContain(`oauth_body_hash="${encodeURIComponent(hash)}"`);
      expect(signed.body).toBe(body);
      expect(verifySignature(received(signed), aliceKeys(signatureMethod))).toBe(true);
      const expected = sign({ method: 'POST', url: URL_WITH_QUERY, body, bodyHash: true, signatureMethod, ...FIXED });
      expect(signed.baseString).toBe(expected.baseString);
    });
  });

  it('hashes the exact bytes of a Uint8Array body, and sends them as a Buffer', () => {
    const bytes = new Uint8Array([0xff, 0x00, 0x80]);
    const signed = signRequest({ ...alice('HMAC-SHA1'), body: bytes, contentType: 'application/octet-stream' });
    expect(signed.body).toEqual(Buffer.from(bytes));
    const hash = createHash('sha1').update(bytes).digest('base64');
    expect(signed.headers.Authorization).toContain(`oauth_body_hash="${encodeURIComponent(hash)}"`);
  });

  it('realm first in the header, the fragment dropped, the host lowercased and a default port left out', () => {
    const signed = signRequest({
      ...alice('HMAC-SHA1'),
      realm: 'Photos & more',
      url: 'HTTPS://Example.COM:443/p?q=%C3%A9#top',
    });
    expect(signed.headers.Authorization).toMatch(/^OAuth realm="Photos & more", oauth_consumer_key="demo-client", /);
    expect(signed.url).toBe('https://example.com/p?q=%C3%A9');
    expect(signed.baseString).toMatch(/^PUT&https%3A%2F%2Fexample.com%2Fp&/);
    expect(verifySignature(received(signed), aliceKeys('HMAC-SHA1'))).toBe(true);
  });

  it('defaults: HMAC-SHA1, now, 16 random bytes in hex, oauth_version 1.0', () => {
    const options = { ...alice('HMAC-SHA1'), timestamp: undefined, nonce: undefined, signatureMethod: undefined };
    const before = Math.floor(Date.now() / 1000);
    const signed = signRequest(options);
    const header = signed.headers.Authorization!;
    expect(header).toContain('oauth_signature_method="HMAC-SHA1"');
    expect(header).toMatch(/oauth_nonce="[0-9a-f]{32}"/);
    expect(header).toContain('oauth_version="1.0"');
    const timestamp = Number(/oauth_timestamp="(\d+)"/.exec(header)![1]);
    expect(timestamp).toBeGreaterThanOrEqual(before);
    expect(timestamp).toBeLessThanOrEqual(before + 1);
    expect(signRequest(options).headers.Authorization).not.toBe(header);
  });

  it('signs with a method of a table of its own, which the standard table does not know', () => {
    const table = signatureMethodTable({ 'HMAC-SHA1-ALIAS': STANDARD_SIGNATURE_METHODS.get('HMAC-SHA1')! });
    const options = { ...alice('HMAC-SHA1'), signatureMethod: 'HMAC-SHA1-ALIAS' };
    const signed = signRequest(options, table);
    expect(verifySignature(received(signed), aliceKeys('HMAC-SHA1'), undefined, table)).toBe(true);
    expect(() => signRequest(options)).toThrow(RangeError);
  });

  describe('published vectors (spec/vectors/hmac-sha1.json)', () => {
    const vectors = (
      JSON.parse(readFileSync(join(__dirname, '..', 'vectors', 'hmac-sha1.json'), 'utf8')) as {
        vectors: {
          source: string;
          client_secret: string;
          token_secret: string;
          params: string[][];
          base_string?: string;
          signature: string;
        }[];
      }
    ).vectors;
    const vector = (source: string) => {
      const found = vectors.find((v) => v.source.startsWith(source))!;
      return { ...found, param: (name: string) => found.params.find(([n]) => n === name)![1] };
    };

    it('RFC 5849 §1.2, the protected resource request (which sends no oauth_version)', () => {
      const v = vector('RFC 5849 section 1.2 (protected resource request)');
      const signed = signRequest({
        method: 'GET',
        url: `http://photos.example.net/photos?file=${v.param('file')}&size=${v.param('size')}`,
        consumerKey: v.param('oauth_consumer_key'),
        consumerSecret: v.client_secret,
        token: v.param('oauth_token'),
        tokenSecret: v.token_secret,
        timestamp: Number(v.param('oauth_timestamp')),
        nonce: v.param('oauth_nonce'),
        version: false,
        realm: 'Photos',
      });
      expect(signed.signature).toBe('MdpQcU8iPSUjWoN/UDMsK2sui9I=');
      expect(signed.signature).toBe(v.signature);
      expect(signed.baseString).toBe(v.base_string);
    });

    it('X (Twitter), "Creating a signature": a query parameter and a form body', () => {
      const v = vector('X (Twitter)');
      const signed = signRequest({
        method: 'POST',
        url: `https://api.twitter.com/1.1/statuses/update.json?include_entities=${v.param('include_entities')}`,
        consumerKey: v.param('oauth_consumer_key'),
        consumerSecret: v.client_secret,
        token: v.param('oauth_token'),
        tokenSecret: v.token_secret,
        timestamp: Number(v.param('oauth_timestamp')),
        nonce: v.param('oauth_nonce'),
        form: [['status', v.param('status')]],
      });
      expect(signed.signature).toBe('hCtSmYh+iHYCEqBWrE7C7hYmtUk=');
      expect(signed.signature).toBe(v.signature);
    });
  });

  describe('refuses', () => {
    const hmac = alice('HMAC-SHA1');
    it.each<[string, Partial<SignRequestOptions>, ErrorConstructor, string]>([
      ['oauth_ parameters in the query', { url: 'http://e.x/?oauth_token=t' }, RangeError, 'query has oauth_token'],
      ['oauth_ parameters in the form', { form: [['oauth_nonce', 'n']] }, RangeError, 'form has oauth_nonce'],
      ['a malformed query', { url: 'http://e.x/?a=%zz' }, RangeError, "The URL's query is malformed"],
      ['a body with a form', { form: [['a', '1']], body: 'x', contentType: 'text/plain' }, TypeError, 'not both'],
      ['a body without its type', { body: 'x' }, TypeError, 'A body needs its contentType.'],
      ['a form-encoded body', { body: 'a=1', contentType: `${FORM}; charset=utf-8` }, TypeError, 'form pairs'],
      [
        'a body placed with the parameters',
        { body: 'x', contentType: 'text/plain', placement: 'form' },
        TypeError,
        'use form',
      ],
      ['a contentType without a body', { contentType: 'text/plain' }, TypeError, 'goes with a body'],
      [
        'a lowercase method name',
        { signatureMethod: 'hmac-sha1' },
        RangeError,
        "'hmac-sha1'; use one of HMAC-SHA1, HMAC-SHA256",
      ],
      [
        'HMAC without the consumer secret',
        { consumerSecret: undefined },
        TypeError,
        'HMAC-SHA1 needs the consumerSecret.',
      ],
      ['a token without its secret', { tokenSecret: undefined }, TypeError, 'with a token needs its tokenSecret'],
      ['a token secret without a token', { token: undefined }, TypeError, 'A tokenSecret needs its token.'],
      [
        'RSA without the private key',
        { signatureMethod: 'RSA-SHA256' },
        TypeError,
        "RSA-SHA256 needs the client's rsaPrivateKey.",
      ],
      [
        'RSA with a key that is not RSA',
        {
          signatureMethod: 'RSA-SHA1',
          rsaPrivateKey: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey,
        },
        TypeError,
        'RSA signing needs an RSA private key.',
      ],
      ['a realm outside the header', { realm: 'r', placement: 'query' }, TypeError, 'only in the Authorization header'],
      ['a realm with a quote', { realm: 'a"b' }, RangeError, 'A realm is printable ASCII'],
      ['a relative URL', { url: '/api/me' }, TypeError, "'/api/me' is not an absolute URL."],
      ['another scheme', { url: 'ftp://e.x/' }, RangeError, 'http or https'],
      ['credentials in the URL', { url: 'http://u:p@e.x/' }, RangeError, 'user name or password'],
      // The guard refuses these paths (400) before it verifies; the query's own escapes are checked as its parameters.
      ['a path escape that is not UTF-8', { url: 'http://e.x/files/%FF' }, RangeError, "URL's path"],
      ['a malformed path escape', { url: 'http://e.x/files/%zz' }, RangeError, 'malformed percent-escape'],
      ['a path escape cut short', { url: 'http://e.x/a%2' }, RangeError, "URL's path"],
      ['an empty nonce', { nonce: '' }, RangeError, 'must not be empty'],
      ['a timestamp that is not whole seconds', { timestamp: 1.5 }, RangeError, 'positive whole number'],
      ['a method that is not a token', { method: 'GET /' }, RangeError, 'is not an HTTP method'],
      ['a control character in the nonce', { nonce: 'n\u0000' }, RangeError, 'must not contain control characters'],
      ['a control character in the consumer key', { consumerKey: 'k\n' }, RangeError, 'control characters'],
      [
        'a lone surrogate in a form value',
        { form: [['a', '\ud800']] },
        RangeError,
        'form has text that is not Unicode',
      ],
      ['a lone surrogate in a form name', { form: [['\udc00', '1']] }, RangeError, 'not Unicode'],
      ['a lone surrogate in the consumer key', { consumerKey: 'k\ud800' }, RangeError, 'must be Unicode text'],
      ['a lone surrogate in the token', { token: '\udc00' }, RangeError, 'must be Unicode text'],
      ['a lone surrogate in the nonce', { nonce: 'n\udbff' }, RangeError, 'must be Unicode text'],
      [
        "a lone surrogate in the consumer key, on Mastercard's base string",
        { consumerKey: '\ud800k', baseString: 'mastercard' },
        RangeError,
        'must be Unicode text',
      ],
      [
        'RSA with a public key',
        { signatureMethod: 'RSA-SHA1', rsaPrivateKey: generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey },
        TypeError,
        'private',
      ],
      [
        'RSA with a PEM that is no key',
        { signatureMethod: 'RSA-SHA1', rsaPrivateKey: 'not a key' },
        TypeError,
        'cannot sign',
      ],
    ])('%s', (_why, change, type, message) => {
      expect(() => signRequest({ ...hmac, ...change })).toThrow(type);
      expect(() => signRequest({ ...hmac, ...change })).toThrow(message);
    });
  });
});
