import { baseStringUri, normalizeParameters, signatureBaseString } from '../../src/rfc5849/base-string';
import { parameters } from '../../src/rfc5849/parameter';

/** Scheme, Host, path and the URI; some neighbours differ in one part only (scheme, Host, path), for the memo. */
const URIS: [string, string, string, string][] = [
  ['HTTP', 'EXAMPLE.COM:80', '/r%20v/X', 'http://example.com/r%20v/X'],
  ['https', 'www.example.net:8080', '/?q=1'.split('?')[0], 'https://www.example.net:8080/'],
  ['https', 'example.com:443', '/a', 'https://example.com/a'],
  ['http', 'example.com:443', '/a', 'http://example.com:443/a'],
  ['https', 'example.com:80', '/a', 'https://example.com:80/a'],
  ['http', '[::1]:80', '/a', 'http://[::1]/a'],
  ['http', '[::1]:8080', '/a', 'http://[::1]:8080/a'],
  ['http', '[::1]', '/a', 'http://[::1]/a'],
  ['http', 'example.com', '', 'http://example.com/'],
  ['http', 'example.com', '/b', 'http://example.com/b'],
];

describe('baseStringUri (RFC 5849 §3.4.1.2)', () => {
  it.each(URIS)('%s + %s + %j -> %s', (scheme, host, path, expected) => {
    expect(baseStringUri(scheme, host, path)).toBe(expected);
  });

  it('gives each URI when they follow one another, forwards, back and twice (the last URI is remembered)', () => {
    for (const [scheme, host, path, expected] of [...URIS, ...URIS.slice().reverse(), ...URIS, ...URIS]) {
      expect(baseStringUri(scheme, host, path)).toBe(expected);
    }
  });
});

describe('normalizeParameters (RFC 5849 §3.4.1.3.2)', () => {
  it('sorts by encoded name, then encoded value, and keeps duplicates', () => {
    expect(
      normalizeParameters(
        parameters([
          ['b', '2'],
          ['a', 'z'],
          ['a', 'y'],
          ['a-b', '1'],
          ['A', '0'],
        ]),
      ),
    ).toBe('A=0&a=y&a=z&a-b=1&b=2');
  });

  it('orders names by their encoded bytes: a shorter name first when it is a prefix', () => {
    expect(
      normalizeParameters(
        parameters([
          ['a1', 'x'],
          ['a', 'y'],
          ['a%', 'z'],
        ]),
      ),
    ).toBe('a=y&a%25=z&a1=x');
  });

  it('leaves out oauth_signature and encodes empty values as "name="', () => {
    expect(
      normalizeParameters(
        parameters([
          ['oauth_signature', 's'],
          ['c', ''],
        ]),
      ),
    ).toBe('c=');
  });
});

describe('signatureBaseString (RFC 5849 §3.4.1.1)', () => {
  it('joins the uppercase method, the encoded URI and the encoded parameters with &', () => {
    expect(
      signatureBaseString(
        'get',
        'http://example.com/',
        parameters([
          ['a', '1'],
          ['b', ' '],
        ]),
      ),
    ).toBe('GET&http%3A%2F%2Fexample.com%2F&a%3D1%26b%3D%2520');
  });

  it('encodes each URI as itself when URIs alternate (it remembers the last one)', () => {
    const base = (uri: string) => signatureBaseString('GET', uri, parameters([['a', '1']]));
    for (let i = 0; i < 3; i++) {
      expect(base('https://a.example/x')).toBe('GET&https%3A%2F%2Fa.example%2Fx&a%3D1');
      expect(base('https://b.example/y')).toBe('GET&https%3A%2F%2Fb.example%2Fy&a%3D1');
      expect(base('http://b.example:8080/%7Ey')).toBe('GET&http%3A%2F%2Fb.example%3A8080%2F%257Ey&a%3D1');
    }
  });
});

describe('signatureBaseString remembers the last shape (method, URI, names in the order received)', () => {
  const A = 'https://a.example/x';
  const HEAD = 'GET&https%3A%2F%2Fa.example%2Fx&';
  /** Each request's pairs written "name=value&…" (no escapes needed here), and the base string it must give. */
  type Case = [method: string, uri: string, pairs: string, expected: string];
  const base = ([method, uri, pairs]: Case) =>
    signatureBaseString(
      method,
      uri,
      parameters(pairs === '' ? [] : pairs.split('&').map((pair) => pair.split('=') as [string, string])),
    );
  /** Runs the cases in turn, three times over, so that each one follows another's shape and its own. */
  const inTurn = (cases: Case[]) => {
    for (let round = 0; round < 3; round++) for (const c of cases) expect([c[2], base(c)]).toEqual([c[2], c[3]]);
  };

  it('puts each request in its own order when shapes alternate', () =>
    inTurn([
      ['GET', A, 'b=2&a=1', `${HEAD}a%3D1%26b%3D2`],
      ['GET', A, 'a=1&b=2', `${HEAD}a%3D1%26b%3D2`],
      ['GET', A, 'b=x&a=y', `${HEAD}a%3Dy%26b%3Dx`],
      ['GET', A, 'b=2&c=1', `${HEAD}b%3D2%26c%3D1`],
      ['POST', A, 'b=2&c=1', 'POST&https%3A%2F%2Fa.example%2Fx&b%3D2%26c%3D1'],
      ['GET', 'https://b.example/x', 'b=2&c=1', 'GET&https%3A%2F%2Fb.example%2Fx&b%3D2%26c%3D1'],
      ['GET', A, '', HEAD],
    ]));

  it("orders a repeated name by each request's own values, however the last request was ordered", () =>
    inTurn([
      ['GET', A, 'a=2&a=1', `${HEAD}a%3D1%26a%3D2`],
      ['GET', A, 'a=1&a=2', `${HEAD}a%3D1%26a%3D2`],
      ['GET', A, 'a=1&a=0', `${HEAD}a%3D0%26a%3D1`],
      ['GET', A, 'b=1&a=z&a=y', `${HEAD}a%3Dy%26a%3Dz%26b%3D1`],
      ['GET', A, 'b=1&a=y&a=z', `${HEAD}a%3Dy%26a%3Dz%26b%3D1`],
    ]));

  it('leaves oauth_signature out of the shape and the text', () =>
    inTurn([
      ['GET', A, 'oauth_signature=s&b=2&a=1', `${HEAD}a%3D1%26b%3D2`],
      ['GET', A, 'b=2&oauth_signature=s&a=1', `${HEAD}a%3D1%26b%3D2`],
      ['GET', A, 'b=2&a=1&oauth_signature=s', `${HEAD}a%3D1%26b%3D2`],
    ]));
});
