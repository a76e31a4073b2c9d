import MastercardOAuth from 'mastercard-oauth1-signer';
import { createHash, createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  MemoryNonceCache,
  OAuthError,
  ResourceProtector,
  signRequest,
  type Client,
  type OAuthRequest,
} from '../../src';
import { diagnosisOf } from '../../src/rfc5849/diagnosis';
import {
  checkMastercardPlacement,
  mastercardBaseString,
  mastercardPairs,
} from '../../src/rfc5849/mastercard-base-string';
import { parseFormEncoded } from '../../src/rfc5849/form-encoded';
import { parameters } from '../../src/rfc5849/parameter';
import { DEMO_PRIVATE_KEY, enc } from '../support/sign';
import vectors from '../vectors/mastercard-base-strings.json';

describe("mastercardPairs and mastercardBaseString: Mastercard's signers' own expectations", () => {
  it.each(vectors.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const pairs = mastercardPairs({
      rawQuery: c.rawQuery,
      query: parseFormEncoded(c.rawQuery),
      header: parameters(c.oauth as [string, string][]),
      form: undefined,
    });
    expect(pairs?.join('&')).toBe(c.pairs);
    if ('baseString' in c) expect(mastercardBaseString(c.method, c.uri, pairs ?? [])).toBe(c.baseString);
  });
});

describe('mastercardPairs', () => {
  const pairsOf = (rawQuery: string, header: [string, string][] = [], form?: [string, string][]) =>
    mastercardPairs({
      rawQuery,
      query: parseFormEncoded(rawQuery),
      header: parameters(header),
      form: form && parameters(form),
    });

  it('leaves oauth_signature out, skips empty query segments, and keeps a name written without "="', () => {
    expect(
      pairsOf('a=1&&flag&=x', [
        ['oauth_signature', 'sig'],
        ['oauth_nonce', 'n'],
      ]),
    ).toEqual(['=x=', 'a=1', 'flag=', 'oauth_nonce=n']);
  });

  it("takes a query holding an escape as Mastercard's Java signer does, every pair encoded anew ('+' a space)", () => {
    // Their npm signer would keep the first ":" as written; the two agree on any query written canonically.
    expect(pairsOf('from=10:00&to=11%3A00&q=a+b')).toEqual(['from=10%3A00', 'q=a%20b', 'to=11%3A00']);
    expect(pairsOf('from=10:00&q=a+b')).toEqual(['from=10:00', 'q=a+b']);
  });

  it('takes a form body as RFC 5849 encodes it (Mastercard signers send none)', () => {
    expect(pairsOf('', [], [['note', 'a b&c']])).toEqual(['note=a%20b%26c']);
  });

  it('has checkMastercardPlacement refuse "&" in a header value or name, and "=" in a name (two requests, one string)', () => {
    const check = (header: [string, string][]) => () => checkMastercardPlacement(parameters(header), {});
    expect(check([['oauth_consumer_key', 'ck&x=1']])).toThrow(/holds "&"/);
    expect(check([['oauth_x&y', 'v']])).toThrow(/holds "&"/);
    expect(check([['oauth_x=1', 'v']])).toThrow(/holds "&"/);
    expect(check([['oauth_consumer_key', 'ck!1=2']])).not.toThrow();
    expect(pairsOf('', [['oauth_consumer_key', 'ck!1=2']])).toEqual(['oauth_consumer_key=ck!1=2']);
  });
});

const publicKey = readFileSync(join(__dirname, '..', '..', 'demo', 'keys', 'client.pub.pem'), 'utf8');
const client: Client = { getClientSecret: () => undefined, getRsaPublicKey: () => publicKey };
const NOW = 1_796_000_000;
/** Two-legged RSA-SHA256, any consumer key being the demo key pair's client. */
const protector = (baseString?: 'rfc5849' | 'mastercard') =>
  new ResourceProtector({
    queryClient: () => client,
    queryToken: () => undefined,
    nonceCache: new MemoryNonceCache(),
    signatureMethods: ['RSA-SHA256'],
    twoLegged: true,
    clock: () => NOW * 1000,
    baseString,
  });

describe("ResourceProtector with baseString: 'mastercard'", () => {
  /** A GET signed as Mastercard's signers sign it: the protocol values unencoded in the header and the base string. */
  function mastercardRequest(consumerKey: string, nonce: string): OAuthRequest {
    const uri = 'https://api.example.com/accounts';
    const rawQuery = 'from=2026-12-01T00:00:00Z';
    const oauth: [string, string][] = [
      ['oauth_body_hash', '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='],
      ['oauth_consumer_key', consumerKey],
      ['oauth_nonce', nonce],
      ['oauth_signature_method', 'RSA-SHA256'],
      ['oauth_timestamp', String(NOW)],
      ['oauth_version', '1.0'],
    ];
    const pairs = [`from=2026-12-01T00:00:00Z`, ...oauth.map(([n, v]) => `${n}=${v}`)].sort();
    const baseString = `GET&${enc(uri)}&${enc(pairs.join('&'))}`;
    const signature = sign('sha256', Buffer.from(baseString), createPrivateKey(DEMO_PRIVATE_KEY)).toString('base64');
    const header = [...oauth.map(([n, v]) => `${n}="${enc(v)}"`), `oauth_signature="${enc(signature)}"`];
    return {
      method: 'GET',
      uri,
      secure: true,
      authorization: `OAuth ${header.join(', ')}`,
      query: rawQuery,
      form: undefined,
      body: Buffer.alloc(0),
    };
  }

  it("verifies a request signed over Mastercard's base string, which RFC 5849's refuses", async () => {
    expect(createPublicKey(publicKey).asymmetricKeyType).toBe('rsa');
    const verified = await protector('mastercard').verify(mastercardRequest('mc!key', 'n1'));
    expect(verified.clientId).toBe('mc!key');
    await expect(protector().verify(mastercardRequest('mc!key', 'n2'))).rejects.toMatchObject({
      code: 'invalid_signature',
    });
  });

  it("a route chooses its own base string over the protector's", async () => {
    await expect(
      protector().verify(mastercardRequest('mc!key', 'n3'), { baseString: 'mastercard' }),
    ).resolves.toMatchObject({ clientId: 'mc!key' });
    await expect(
      protector('mastercard').verify(mastercardRequest('mc!key', 'n4'), { baseString: 'rfc5849' }),
    ).rejects.toBeInstanceOf(OAuthError);
  });

  // Moved out of the header, a value is decoded once more (a fresh nonce for a replay: "a%2Bb" read "a+b" in the
  // header, "a b" in the query), and a query parameter moved into it is signed but never read.
  it.each([
    [
      'the protocol parameters moved to the query',
      (r: OAuthRequest) => ({
        ...r,
        authorization: undefined,
        query: `${r.query}&${(r.authorization ?? '').slice(6).replace(/"/g, '').split(', ').join('&')}`,
      }),
    ],
    [
      'a query parameter moved into the header',
      (r: OAuthRequest) => ({
        ...r,
        authorization: `${r.authorization}, from="2026-12-01T00%3A00%3A00Z"`,
        query: '',
      }),
    ],
  ])('refuses %s: 400 invalid_request', async (_what, move) => {
    const signed = mastercardRequest('mc!key', 'a+b');
    await expect(protector('mastercard').verify(signed)).resolves.toBeDefined();
    const refusal = await protector('mastercard')
      .verify(move(signed))
      .catch((e: unknown) => e);
    expect(refusal).toMatchObject({ code: 'invalid_request', message: expect.stringMatching(/Authorization header/) });
  });

  it('refuses a protocol value holding "&", which the string cannot carry: 400 invalid_request, saying so', async () => {
    const refusal = await protector('mastercard')
      .verify(mastercardRequest('mc&key', 'n5'))
      .catch((e: unknown) => e);
    expect(refusal).toMatchObject({ code: 'invalid_request', message: expect.stringMatching(/holds "&"/) });
  });

  it("names the rule in a refused signature's diagnosis, on either kind of route", async () => {
    const hintsOf = async (baseString: 'rfc5849' | 'mastercard', request: OAuthRequest) => {
      const refusal = (await protector(baseString)
        .verify(request)
        .catch((e: unknown) => e)) as Error;
      return diagnosisOf(refusal)?.().hints ?? [];
    };
    // Mastercard's string on an RFC 5849 route: RSA-SHA256 with a body hash is how its signers sign.
    expect(await hintsOf('rfc5849', mastercardRequest('mc!key', 'n6'))).toEqual([
      expect.stringMatching(/the route needs baseString: 'mastercard'/),
    ]);
    // A wrong signature on a Mastercard route: the report's pairs are that string's.
    const forged = mastercardRequest('mc!key', 'n7');
    forged.authorization = forged.authorization?.replace(/oauth_signature="[^"]*"/, 'oauth_signature="AAAA"');
    expect(await hintsOf('mastercard', forged)).toEqual([
      expect.stringMatching(/this route verifies Mastercard's base string/),
    ]);
  });

  it('is checked where it is set: anything but the two rules is a TypeError', () => {
    expect(() => protector('Mastercard' as never)).toThrow(/baseString is one of 'rfc5849', 'mastercard'/);
  });
});

describe("signRequest({ baseString: 'mastercard' })", () => {
  const URL_ = 'https://api.example.com/v1/payments?from=2026-12-01T00:00:00Z&currency=EUR';
  const BODY = JSON.stringify({ amount: '10.50', note: 'é & more' });
  const options = {
    method: 'POST',
    url: URL_,
    consumerKey: 'mc!key',
    rsaPrivateKey: DEMO_PRIVATE_KEY,
    signatureMethod: 'RSA-SHA256',
    body: BODY,
    contentType: 'application/json',
    timestamp: NOW,
    nonce: 'abcDEF123',
    baseString: 'mastercard' as const,
  };

  it("signs the very base string Mastercard's own signer makes of the same parameters", () => {
    const signed = signRequest(options);
    const oauth = new Map([
      ['oauth_body_hash', createHash('sha256').update(BODY).digest('base64')],
      ['oauth_consumer_key', 'mc!key'],
      ['oauth_nonce', 'abcDEF123'],
      ['oauth_signature_method', 'RSA-SHA256'],
      ['oauth_timestamp', '1796000000'],
      ['oauth_version', '1.0'],
    ]);
    const theirs = MastercardOAuth.getSignatureBaseString(
      'POST',
      MastercardOAuth.getBaseUriString(URL_),
      MastercardOAuth.toOAuthParamString(MastercardOAuth.extractQueryParams(URL_), oauth),
    );
    expect(signed.baseString).toBe(theirs);
  });

  it("is verified on a route with baseString: 'mastercard', and refused on one with RFC 5849's", async () => {
    const signed = signRequest(options);
    const url = new URL(signed.url);
    const request: OAuthRequest = {
      method: signed.method,
      uri: `${url.origin}${url.pathname}`,
      secure: true,
      authorization: signed.headers.Authorization,
      query: url.search.slice(1),
      form: undefined,
      body: Buffer.from(BODY),
    };
    await expect(protector('mastercard').verify(request)).resolves.toMatchObject({ clientId: 'mc!key' });
    await expect(protector().verify(request)).rejects.toMatchObject({ code: 'invalid_signature' });
  });

  it('refuses what the guard could not read back: the protocol parameters elsewhere, "&" in them, another rule', () => {
    expect(() => signRequest({ ...options, placement: 'query', body: undefined, contentType: undefined })).toThrow(
      TypeError,
    );
    expect(() => signRequest({ ...options, consumerKey: 'mc&key' })).toThrow(RangeError);
    expect(() => signRequest({ ...options, baseString: 'MASTERCARD' as never })).toThrow(/baseString is one of/);
  });
});
