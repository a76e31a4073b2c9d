import { DuplicatedParameterError, InvalidRequestError } from '../../src/rfc5849/errors';
import { isOAuthScheme, parseAuthorizationHeader as parseHeader } from '../../src/rfc5849/authorization-header';
import fc from 'fast-check';
import { parseFormBody, parseFormEncoded as parseForm } from '../../src/rfc5849/form-encoded';
import { seedFromEnv } from '../support/seed';
import { parsedBody } from '../../src/http/body-value';
import { DEFAULT_LIMITS } from '../../src/protector/settings';
import { parameters, type Parameter } from '../../src/rfc5849/parameter';
import {
  collectParameters as collect,
  collectRequestParameters,
  type ParameterSources,
} from '../../src/rfc5849/parameter-sources';

/** Parameters as [name, value] pairs, for comparing. */
const pairs = (params: readonly Parameter[]) => params.map((p) => [p.name, p.value]);
const parseAuthorizationHeader = (value: string) => {
  const { realm, params } = parseHeader(value);
  return { realm, params: pairs(params) };
};
const parseFormEncoded = (text: string) => pairs(parseForm(text));
type PairSources = { [K in keyof ParameterSources]: [string, string][] };
const collectParameters = (sources: PairSources) => {
  const { all, oauth } = collect({
    header: sources.header && parameters(sources.header),
    query: parameters(sources.query ?? []),
    form: sources.form && parameters(sources.form),
  });
  return { all: pairs(all), oauth };
};

describe('parseAuthorizationHeader (RFC 5849 §3.5.1)', () => {
  it('reads quoted, percent-encoded parameters and keeps realm apart', () => {
    const header = parseAuthorizationHeader(
      'OAuth realm="Photos Example", oauth_consumer_key="key%20one",oauth_nonce="n",\toauth_signature="a%2Bb%3D"',
    );
    expect(header.realm).toBe('Photos Example');
    expect(header.params).toEqual([
      ['oauth_consumer_key', 'key one'],
      ['oauth_nonce', 'n'],
      ['oauth_signature', 'a+b='],
    ]);
  });

  it('allows whitespace around "=" (RFC 7235 BWS) and reads the realm name in any case', () => {
    const header = parseAuthorizationHeader('OAuth Realm = "r", oauth_nonce\t=\t"n"');
    expect(header.realm).toBe('r');
    expect(header.params).toEqual([['oauth_nonce', 'n']]);
  });

  it('reads an unencoded +, / or = inside a quoted value as itself', () => {
    expect(parseAuthorizationHeader('OAuth oauth_signature="ab+c/d=="').params).toEqual([
      ['oauth_signature', 'ab+c/d=='],
    ]);
  });

  it('accepts the scheme name in any case and a header with no parameters', () => {
    expect(parseAuthorizationHeader('oauth ').params).toEqual([]);
    expect(isOAuthScheme('OAUTH oauth_token="x"')).toBe(true);
    expect(isOAuthScheme('OAuthx a="b"')).toBe(false);
    expect(isOAuthScheme('Bearer abc')).toBe(false);
  });

  it("reads the realm's quoted-pair escapes (RFC 2617's quoted-string), and no other value's", () => {
    const header = parseAuthorizationHeader('OAuth Realm="The \\"demo\\" API \\\\ 2", oauth_token="t"');
    expect(header.realm).toBe('The "demo" API \\ 2');
    expect(header.params).toEqual([['oauth_token', 't']]);
  });

  it.each([
    ['an unquoted value', 'OAuth oauth_token=abc'],
    ['a realm whose last quote is escaped', 'OAuth realm="abc\\", oauth_token="t"'],
    ['an unterminated quote', 'OAuth oauth_token="abc'],
    ['a stray token', 'OAuth oauth_token="abc" junk'],
    ['a missing comma', 'OAuth a="1" b="2"'],
    ['an empty element', 'OAuth a="1",,b="2"'],
    ['a parameter without "="', 'OAuth oauth_token'],
    ['a repeated realm', 'OAuth realm="a", realm="b"'],
    ['a backslash escape', 'OAuth a="x\\"y"'],
    ['a space inside a value', 'OAuth a="x y"'],
    ['malformed percent-encoding', 'OAuth a="%zz"'],
    ['a name with a separator', 'OAuth a b="1"'],
  ])('refuses %s with invalid_request', (_case, value) => {
    expect(() => parseAuthorizationHeader(value)).toThrow(InvalidRequestError);
  });
});

describe('parseFormEncoded (RFC 5849 §3.4.1.3.1)', () => {
  it('keeps duplicates and order, and reads + as a space and %2B as a plus', () => {
    expect(parseFormEncoded('a=1&b=x+y&a=2&c=%2B&d&e=')).toEqual([
      ['a', '1'],
      ['b', 'x y'],
      ['a', '2'],
      ['c', '+'],
      ['d', ''],
      ['e', ''],
    ]);
  });

  it('skips empty pairs and decodes names too', () => {
    expect(parseFormEncoded('&&c%40=1&')).toEqual([['c@', '1']]);
  });

  it('splits every text of "a", "=" and "&" up to 7 characters as the plain reading does', () => {
    // The plain reading: split at "&", drop empty pairs, the name up to the pair's first "=".
    const plain = (text: string) =>
      text
        .split('&')
        .filter((pair) => pair !== '')
        .map((pair) =>
          pair.includes('=') ? [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)] : [pair, ''],
        );
    let texts = [''];
    for (let length = 1; length <= 7; length++) {
      texts = texts.flatMap((text) => ['a', '=', '&'].map((c) => text + c));
      const differ = texts.filter((text) => JSON.stringify(parseFormEncoded(text)) !== JSON.stringify(plain(text)));
      expect(differ).toEqual([]);
    }
  });

  it.each([
    ['no "=" at all', 'a&'.repeat(1000), 1000],
    ['one "=" at its end', `${'a&'.repeat(1000)}b=1`, 1001],
  ])('searches a text of pairs without "=" (%s) for "=" once, not to its end for every pair', (_case, text, count) => {
    const indexOf = jest.spyOn(String.prototype, 'indexOf');
    try {
      expect(parseForm(text)).toHaveLength(count);
      const searched = indexOf.mock.calls.reduce((sum, [search, from], k) => {
        if (search !== '=') return sum;
        const found = indexOf.mock.results[k].value as number;
        return sum + (found < 0 ? text.length : found) - Number(from ?? 0);
      }, 0);
      expect(searched).toBeLessThanOrEqual(text.length);
    } finally {
      indexOf.mockRestore();
    }
  });

  it('stops after most + 1 pairs, leaving the rest of the text unread', () => {
    expect(pairs(parseForm('a&b&c&d&%ZZ', 2))).toEqual([
      ['a', ''],
      ['b', ''],
      ['c', ''],
    ]);
    expect(() => parseForm('a&b&c&d&%ZZ')).toThrow(InvalidRequestError);
  });
});

describe("parseFormBody: a form body's second reading is not decoded again", () => {
  /** A body's bytes and its text, as both readers decode them (a string of its own each time). */
  const body = (text: string) => ({
    bytes: Buffer.from(text, 'latin1'),
    text: () => Buffer.from(text).toString('latin1'),
  });
  const outcome = (read: () => readonly Parameter[]) => {
    try {
      return JSON.stringify(pairs(read()));
    } catch (error) {
      return `refused: ${(error as Error).message}`;
    }
  };

  it("answers the second reading of the same bytes with the first one's parameters, in an array of its own", () => {
    const { bytes, text } = body('a=1&b=x+y&c=%2B');
    const first = parseFormBody(text(), Infinity, bytes, true);
    first.pop(); // the first reader's array: the second still gets every parameter
    const second = parseFormBody(text(), Infinity, bytes);
    expect(pairs(second)).toEqual(pairs(parseForm(text())));
    expect(second[0]).toBe(first[0]); // not decoded again
    expect(parseFormBody(text(), Infinity, bytes)[0]).not.toBe(first[0]); // a third reading decodes: given back once
  });

  it("keeps only a remembered reading (the body parser's): the verifier's own goes to the application", () => {
    // A caller of the core that reads every request into one buffer: its second request is read afresh.
    const { bytes, text } = body('amount=10&to=alice');
    const first = parseFormBody(text(), Infinity, bytes);
    expect(parseFormBody(text(), Infinity, bytes)[0]).not.toBe(first[0]);
  });

  it("never answers with another request's parameters, even for an equal body", () => {
    const one = body('amount=100');
    const other = body('amount=100');
    const first = parseFormBody(one.text(), Infinity, one.bytes, true);
    expect(parseFormBody(other.text(), Infinity, other.bytes)[0]).not.toBe(first[0]);
    parseFormBody(one.text(), Infinity, one.bytes, true);
    expect(parseFormBody(one.text(), Infinity)[0]).not.toBe(first[0]); // no bytes: a reading of its own
  });

  it('decodes again after another body, and a body over 64 KiB every time', () => {
    const { bytes, text } = body('a=1&b=2');
    const first = parseFormBody(text(), Infinity, bytes, true);
    const other = body('c=3');
    parseFormBody(other.text(), Infinity, other.bytes, true);
    expect(parseFormBody(text(), Infinity, bytes)[0]).not.toBe(first[0]);
    const large = body(`a=${'x'.repeat(64 * 1024)}`);
    expect(parseFormBody(large.text(), Infinity, large.bytes, true)[0]).not.toBe(
      parseFormBody(large.text(), Infinity, large.bytes)[0],
    );
  });

  it('gives a reading cut short at a limit only to a caller with that limit or a lower one', () => {
    const { bytes, text } = body('a&b&c');
    expect(pairs(parseFormBody(text(), 0, bytes, true))).toEqual([['a', '']]);
    expect(pairs(parseFormBody(text(), 1, bytes))).toEqual([
      ['a', ''],
      ['b', ''],
    ]);
    parseFormBody(text(), 1, bytes, true);
    expect(pairs(parseFormBody(text(), -3, bytes))).toEqual([]);
  });

  it('refuses a body it refused, again', () => {
    const { bytes, text } = body('a=%ZZ');
    expect(() => parseFormBody(text(), Infinity, bytes)).toThrow(InvalidRequestError);
    expect(() => parseFormBody(text(), Infinity, bytes)).toThrow(InvalidRequestError);
  });

  it("is how oauthBodyParser's reading and the guard's collection both read a form body: it is decoded once", () => {
    const { bytes, text } = body('a=x+y&b=u+v');
    /** Calls of replaceAll while `read` runs: decoding a value with a "+" makes two. */
    const replacements = (read: () => unknown) => {
      const spy = jest.spyOn(String.prototype, 'replaceAll');
      try {
        read();
        return spy.mock.calls.length;
      } finally {
        spy.mockRestore();
      }
    };
    const once = replacements(() => parseForm(text()));
    expect(once).toBeGreaterThan(0);
    const headers = { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(bytes.length) };
    const limits = DEFAULT_LIMITS;
    expect(
      replacements(() => {
        parsedBody(headers, bytes, limits);
        collectRequestParameters({ query: '', form: text(), body: bytes }, limits);
      }),
    ).toBe(once);
  });

  it('answers exactly as parseFormEncoded, whatever the bodies, bytes and limits of the readings before', () => {
    const text = fc.stringOf(fc.constantFrom('a', 'b', '=', '&', '+', '%2B', '%ZZ', '%C3%A9'), { maxLength: 24 });
    const most = fc.oneof(fc.integer({ min: -2, max: 6 }), fc.constant(Infinity));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(0, 1, 2), most), { maxLength: 12 }),
        fc.array(text, { minLength: 3, maxLength: 3 }),
        (calls, texts) => {
          const bodies = texts.map(body);
          for (const [which, limit] of calls) {
            const { bytes, text: read } = bodies[which];
            expect(outcome(() => parseFormBody(read(), limit, bytes))).toBe(outcome(() => parseForm(read(), limit)));
          }
        },
      ),
      { seed: seedFromEnv('FC_SEED', 3007), numRuns: 500 },
    );
  });
});

describe('collectParameters', () => {
  it('collects header (realm excluded), query and form parameters in that order', () => {
    const { all, oauth } = collectParameters({
      header: [['oauth_token', 't']],
      query: [['q', '1']],
      form: [['f', '2']],
    });
    expect(all).toEqual([
      ['oauth_token', 't'],
      ['q', '1'],
      ['f', '2'],
    ]);
    expect(oauth.get('oauth_token')).toBe('t');
  });

  it('refuses an oauth_ parameter repeated in one place', () => {
    expect(() =>
      collectParameters({
        query: [
          ['oauth_nonce', 'a'],
          ['oauth_nonce', 'b'],
        ],
      }),
    ).toThrow(DuplicatedParameterError);
  });

  it.each([
    ['header and query', { header: [['oauth_token', 't']], query: [['oauth_nonce', 'n']] }],
    ['header and form', { header: [['oauth_token', 't']], query: [], form: [['oauth_nonce', 'n']] }],
    ['query and form', { query: [['oauth_token', 't']], form: [['oauth_nonce', 'n']] }],
  ])('refuses protocol parameters split between %s', (_case, sources) => {
    expect(() => collectParameters(sources as unknown as PairSources)).toThrow(DuplicatedParameterError);
  });

  it('allows ordinary parameters to repeat anywhere', () => {
    const { all } = collectParameters({ query: [['a', '1']], form: [['a', '1']] });
    expect(all).toHaveLength(2);
  });
});

describe('collectRequestParameters: the parameters limit', () => {
  const header = 'OAuth oauth_token="t", oauth_nonce="n"';
  const limits = (parameters: number) => ({ authorizationHeader: Infinity, parameters });
  const collectText = (query: string, form: string | undefined, parameters: number) =>
    collectRequestParameters({ authorization: header, query, form }, limits(parameters)).all.length;
  const tooMany = (parameters: number) => `The request has more than ${parameters} parameters.`;

  it('counts the header, the query and the form together', () => {
    expect(collectText('a&b', 'c', 5)).toBe(5);
    expect(() => collectText('a&b', 'c&d', 5)).toThrow(tooMany(5));
    expect(() => collectText('a&b&c&d', undefined, 5)).toThrow(tooMany(5));
    expect(() => collectText('', undefined, 1)).toThrow(tooMany(1));
  });

  it('refuses a place beyond the limit for its count, without decoding what lies beyond', () => {
    // "%ZZ" is malformed: reading it would be a refusal of another kind.
    expect(() => collectText('a&b&%ZZ', undefined, 3)).toThrow(tooMany(3));
    expect(() => collectText('a', 'b&%ZZ', 3)).toThrow(tooMany(3));
    expect(() => collectText('a&b', '%ZZ', 3)).toThrow(tooMany(3));
    expect(() => collectText('a', 'b&%ZZ', 4)).toThrow(
      'A parameter has malformed percent-encoding or is not valid UTF-8.',
    );
  });
});
