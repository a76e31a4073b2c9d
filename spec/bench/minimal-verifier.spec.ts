/**
 * The bench's minimal verifier is a yardstick: it must verify what a verifier verifies, or its cost would
 * stand for less work than the protocol's. Requests signed by the test signer (spec/support/sign.ts).
 */
import { minimalSignatureCheck, minimalVerify, type MinimalRequest } from '../../bench/support/minimal-verifier';
import { HMAC_IDENTITY as who } from '../../bench/support/identities';
import { sign } from '../support/sign';

function request(url: string, header?: string): MinimalRequest {
  const u = new URL(url);
  return {
    method: 'GET',
    scheme: u.protocol.slice(0, -1),
    host: u.host,
    target: `${u.pathname}${u.search}`,
    authorization: header ?? sign({ url, who, realm: 'bench' }).header,
  };
}

const URLS = [
  'http://bench.test/guarded',
  'https://api.example.com/1.1/statuses/home_timeline.json?count=20&include_entities=true',
  // Escapes to keep, escapes of unreserved characters and lowercase escapes (not canonical), repeated names.
  'http://bench.test/a%20b?q=caf%C3%A9%20%2A&t=%7e%2d&a=2&a=1&a0=x&b=',
  'http://bench.test:8080/x?z&y=%e2%82%ac',
  'http://bench.test/s?q=a+b%2Bc&r=%41x',
];

describe('the bench minimal verifier', () => {
  const check = minimalSignatureCheck(who);

  it.each(URLS)('accepts a request signed for %s', (url) => {
    expect(check(request(url))).toMatchObject({ consumerKey: who.consumerKey, token: who.token });
  });

  it.each(URLS)('refuses the request for %s when a query value or a signed header value changes', (url) => {
    const header = sign({ url, who, realm: 'bench' }).header;
    expect(check(request(`${url}${url.includes('?') ? '&' : '?'}extra=1`, header))).toBeUndefined();
    expect(check(request(url, header.replace('oauth_version="1.0"', 'oauth_version="1.1"')))).toBeUndefined();
  });

  it('refuses another client secret, and a header of another scheme', () => {
    const url = URLS[1];
    expect(minimalSignatureCheck({ ...who, consumerSecret: 'other' })(request(url))).toBeUndefined();
    expect(check({ ...request(url), authorization: 'Basic Zm9vOmJhcg==' })).toBeUndefined();
  });

  it('refuses a replayed nonce, a stale timestamp and another token', () => {
    const verify = minimalVerify(who);
    const signed = request(URLS[0]);
    expect(verify(signed)).toMatchObject({ consumerKey: who.consumerKey, token: who.token });
    expect(verify(signed)).toBeUndefined();
    const stale = sign({ url: URLS[0], who, realm: 'bench', timestamp: Math.floor(Date.now() / 1000) - 3600 });
    expect(verify(request(URLS[0], stale.header))).toBeUndefined();
    const otherToken = sign({ url: URLS[0], who: { ...who, token: 'other-token' }, realm: 'bench' });
    expect(verify(request(URLS[0], otherToken.header))).toBeUndefined();
  });
});
