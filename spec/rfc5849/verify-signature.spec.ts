/**
 * `verifySignature` as the core exports it: the request names its signature method, so each method must verify only
 * with the keys it is for. An RSA client's key alone verifies no HMAC or PLAINTEXT request (whose empty secrets anyone
 * can sign with), and RSA-SHA* verifies RSASSA-PKCS1-v1_5 only, whatever key object it is handed.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import {
  baseStringUri,
  signRequest,
  STANDARD_SIGNATURE_METHODS,
  verifySignature,
  type OAuthRequest,
  type SignRequestResult,
} from '../../src/core';

const received = (signed: SignRequestResult): OAuthRequest => {
  const url = new URL(signed.url);
  return {
    method: signed.method,
    uri: baseStringUri('https', url.host, url.pathname),
    query: url.search.slice(1),
    authorization: signed.headers.Authorization,
    secure: true,
  };
};

describe('verifySignature: the keys decide which methods can verify', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });

  it.each(['HMAC-SHA1', 'HMAC-SHA256', 'HMAC-SHA512', 'PLAINTEXT'])(
    'refuses a %s request signed with empty secrets when it holds only an RSA key',
    (signatureMethod) => {
      const forged = signRequest({
        method: 'GET',
        url: 'https://api.example.com/admin',
        consumerKey: 'rsa-client',
        consumerSecret: '',
        signatureMethod,
      });
      expect(verifySignature(received(forged), { rsaPublicKey: publicKey })).toBe(false);
      expect(verifySignature(received(forged), { clientSecret: '', rsaPublicKey: publicKey })).toBe(true); // given
    },
  );

  it('verifies an RSA-SHA1 request with the RSA key', () => {
    const signed = signRequest({
      method: 'GET',
      url: 'https://api.example.com/items',
      consumerKey: 'rsa-client',
      rsaPrivateKey: privateKey,
      signatureMethod: 'RSA-SHA1',
    });
    expect(verifySignature(received(signed), { rsaPublicKey: publicKey })).toBe(true);
  });

  it.each([
    ['an EC key (ECDSA)', generateKeyPairSync('ec', { namedCurve: 'P-256' })],
    ['an RSA-PSS key', generateKeyPairSync('rsa-pss', { modulusLength: 1024 })],
  ])(
    'RSA-SHA1 refuses a signature made and checked with %s',
    (_kind, pair: { publicKey: KeyObject; privateKey: KeyObject }) => {
      const method = STANDARD_SIGNATURE_METHODS.get('RSA-SHA1');
      const base = 'GET&https%3A%2F%2Fapi.example.com%2F&';
      const signature = sign('sha1', Buffer.from(base), pair.privateKey).toString('base64');
      expect(method?.verify(base, signature, { rsaPublicKey: pair.publicKey })).toBe(false);
    },
  );
});
