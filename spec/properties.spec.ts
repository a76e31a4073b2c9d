/**
 * Property-based tests (fast-check, seeded): the parsers never throw anything but the library's own
 * errors, encoding round-trips, and verification is exactly as sensitive as RFC 5849 says. FC_SEED=<n>
 * replaces the seed (fast-check prints the seed of a failure).
 */
import fc from 'fast-check';
import {
  InvalidRequestError,
  OAuthError,
  ResourceProtector,
  type Client,
  type OAuthRequest,
  type TokenCredential,
} from '../src';
import {
  collectRequestParameters,
  normalizeParameters,
  parameters,
  parseAuthorizationHeader,
  parseFormEncoded,
  percentDecode,
  percentEncode,
  signatureBaseString,
} from '../src/core';
import { seedFromEnv } from './support/seed';
import { enc, sign } from './support/sign';

const SEED = seedFromEnv('FC_SEED', 5849);
const runs = { seed: SEED, numRuns: 300 };

/** Calls `fn`; passes when it returns or throws an OAuthError, fails on any other exception. */
function onlyOAuthErrors(fn: () => unknown): boolean {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
  }
  return true;
}

/** Strings built from the characters that matter to these parsers, plus anything at all. */
const hostile = fc.oneof(
  fc.string(),
  fc.fullUnicodeString(),
  fc.stringOf(fc.constantFrom('%', '2', 'B', 'F', 'f', 'C', '0', '+', '=', '&', '"', ',', ' ', '\t', '\\', 'a', 'é')),
);

describe('the parsers never throw anything but OAuth errors', () => {
  it('percentDecode, with and without the form + rule', () => {
    fc.assert(
      fc.property(hostile, fc.boolean(), (s, plus) => onlyOAuthErrors(() => percentDecode(s, plus))),
      runs,
    );
  });

  it('parseFormEncoded', () => {
    fc.assert(
      fc.property(hostile, (s) => onlyOAuthErrors(() => parseFormEncoded(s))),
      runs,
    );
  });

  it('parseAuthorizationHeader, on free text and on near-valid headers', () => {
    const param = fc
      .tuple(hostile, fc.constantFrom('=', ' = ', '', '=='), fc.constantFrom('"', '', "'"), hostile)
      .map(([n, eq, q, v]) => `${n}${eq}${q}${v}${q}`);
    const header = fc
      .tuple(
        fc.constantFrom('OAuth ', 'oauth\t', 'OAuth'),
        fc.array(param, { maxLength: 6 }),
        fc.constantFrom(',', ', ', ' '),
      )
      .map(([scheme, params, sep]) => scheme + params.join(sep));
    fc.assert(
      fc.property(
        fc.oneof(
          hostile.map((s) => `OAuth ${s}`),
          header,
        ),
        (s) => onlyOAuthErrors(() => parseAuthorizationHeader(s)),
      ),
      runs,
    );
  });
});

describe('the base string of collected parameters', () => {
  /** Query pairs (no protocol parameters, which may not repeat), names often sharing prefixes or repeated. */
  const pairs = fc.array(
    fc.tuple(
      fc
        .oneof(fc.constantFrom('a', 'b', 'a-b', 'a.b', 'a b', 'é'), fc.fullUnicodeString())
        .filter((n) => !n.startsWith('oauth_')),
      fc.oneof(fc.constantFrom('', '1', '%', 'x y'), fc.fullUnicodeString()),
    ),
    // Past the insertion sort's limit (24), so both sort paths are checked: fast-check's default size stops at ten.
    { maxLength: 40, size: 'max' },
  );

  /**
   * §3.4.1.3.2 written out apart from the library: every pair but `oauth_signature`, name and value encoded (§3.6),
   * sorted by name and then value in byte order (ASCII: code unit order), each joined with "=", then with "&".
   */
  const normalizedByTheBook = (pairs: readonly (readonly [string, string])[]) =>
    pairs
      .filter(([name]) => name !== 'oauth_signature')
      .map(([name, value]) => [enc(name), enc(value)])
      .sort(([n1, v1], [n2, v2]) => (n1 < n2 ? -1 : n1 > n2 ? 1 : v1 < v2 ? -1 : v1 > v2 ? 1 : 0))
      .map(([name, value]) => `${name}=${value}`)
      .join('&');
  const byTheBook = (method: string, uri: string, pairs: readonly (readonly [string, string])[]) =>
    [method.toUpperCase(), uri, normalizedByTheBook(pairs)].map(enc).join('&');

  it('is the §3.4.1.1 string of the §3.4.1.3.2 normalization, whatever the parameters and their number', () => {
    fc.assert(
      fc.property(pairs, fc.boolean(), (params, plusForSpace) => {
        const query = params
          .map(([name, value]) => [enc(name), enc(value)].map((s) => (plusForSpace ? s.replaceAll('%20', '+') : s)))
          .map(([name, value]) => `${name}=${value}`)
          .join('&');
        const { all } = collectRequestParameters({ query }, { authorizationHeader: Infinity, parameters: Infinity });
        return (
          signatureBaseString('GET', 'http://example.com/', all) === byTheBook('GET', 'http://example.com/', params) &&
          normalizeParameters(parseFormEncoded(query)) === normalizedByTheBook(params)
        );
      }),
      runs,
    );
  });

  it("is each request's own when a few shapes come back in any order, repeated names and all (the remembered shape)", () => {
    const shapes = fc.array(
      fc.array(fc.constantFrom('a', 'b', 'a-b', 'a b', 'é', 'oauth_signature'), { maxLength: 6 }),
      {
        minLength: 1,
        maxLength: 3,
      },
    );
    const request = fc.tuple(
      fc.nat(),
      fc.constantFrom('GET', 'post'),
      fc.constantFrom('http://a.example/', 'https://b.example/x'),
      fc.array(fc.constantFrom('', '1', '2', 'x y', '%'), { minLength: 6, maxLength: 6 }),
    );
    fc.assert(
      fc.property(shapes, fc.array(request, { maxLength: 24 }), (names, requests) =>
        requests.every(([pick, method, uri, values]) => {
          const pairs = names[pick % names.length].map((name, i) => [name, values[i]] as const);
          return signatureBaseString(method, uri, parameters(pairs)) === byTheBook(method, uri, pairs);
        }),
      ),
      runs,
    );
  });
});

describe('percent-encoding', () => {
  it('decodes what it encodes, for any well-formed Unicode string, in both decoding modes', () => {
    fc.assert(
      fc.property(fc.fullUnicodeString(), fc.boolean(), (s, plus) => percentDecode(percentEncode(s), plus) === s),
      runs,
    );
  });

  it('decodes printable text exactly as decodeURIComponent does, or refuses what it refuses', () => {
    const piece = fc.oneof(
      fc.string({ unit: fc.constantFrom(...'aZ09-._~!*()+/=:@'), maxLength: 4 }),
      fc.integer({ min: 0, max: 255 }).map((byte) => `%${byte.toString(16).padStart(2, '0')}`),
      fc.integer({ min: 0, max: 255 }).map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`),
      fc.constantFrom('%', '%4', '%g0', '%%41', '%E2%82%AC', '%F0%9F%98%80', '%C3%A9', '%ED%A0%80'),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const text = pieces.join('');
        let expected: string | undefined;
        try {
          expected = decodeURIComponent(text);
        } catch {
          expected = undefined;
        }
        if (expected === undefined) expect(() => percentDecode(text, false)).toThrow(InvalidRequestError);
        else expect(percentDecode(text, false)).toBe(expected);
      }),
      runs,
    );
  });

  it('encodes only into the unreserved set and uppercase escapes', () => {
    fc.assert(
      fc.property(fc.fullUnicodeString(), (s) => /^(?:[A-Za-z0-9\-._~]|%[0-9A-F]{2})*$/.test(percentEncode(s))),
      runs,
    );
  });
});

describe('verification', () => {
  const client: Client = { getClientSecret: () => 'cs', getRsaPublicKey: () => undefined };
  const token: TokenCredential = { getOAuthToken: () => 'tk', getOAuthTokenSecret: () => 'ts' };
  const who = { consumerKey: 'ck', consumerSecret: 'cs', token: 'tk', tokenSecret: 'ts' };
  const protector = new ResourceProtector({
    queryClient: (id) => (id === 'ck' ? client : undefined),
    queryToken: (id, t) => (id === 'ck' && t === 'tk' ? token : undefined),
    existsNonce: () => false,
  });

  type Pair = [string, string];
  const text = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.fullUnicodeString({ maxLength: 12 }),
    fc.stringOf(fc.constantFrom('+', ' ', '%', '=', '&', '~', 'a', 'A', 'é', '日'), { maxLength: 8 }),
  );
  const pairs = fc.array(fc.tuple(text, text), { maxLength: 6 });

  interface Shape {
    method: string;
    path: string;
    query: Pair[];
    form: Pair[] | undefined;
  }
  const shape: fc.Arbitrary<Shape> = fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
    path: fc.constantFrom('/', '/api/me', '/a/b%20c', '/photos/vacation.jpg'),
    query: pairs,
    form: fc.option(pairs, { nil: undefined }),
  });

  /** The wire form of pairs: shuffled by `order`, spaces spelled "+" or "%20". */
  const wire = (list: Pair[], order: number[], plus: boolean) =>
    order
      .map((i) => list[i])
      .map(([k, v]) => `${enc(k)}=${enc(v)}`.replace(/%20/g, plus ? '+' : '%20'))
      .join('&');

  function signed(s: Shape): { request: OAuthRequest; oauth: Pair[] } {
    const url = `https://api.example.com${s.path}${
      s.query.length
        ? '?' +
          wire(
            s.query,
            s.query.map((_, i) => i),
            false,
          )
        : ''
    }`;
    const result = sign({ method: s.method, url, form: s.form, who });
    return {
      oauth: result.oauth,
      request: {
        method: s.method,
        uri: `https://api.example.com${s.path}`,
        secure: true,
        authorization: result.header,
        query: wire(
          s.query,
          s.query.map((_, i) => i),
          false,
        ),
        form:
          s.form &&
          wire(
            s.form,
            s.form.map((_, i) => i),
            false,
          ),
        body: Buffer.alloc(0),
      },
    };
  }

  const accepted = (request: OAuthRequest) =>
    protector.verify(request).then(
      () => true,
      (error) => {
        if (!(error instanceof OAuthError)) throw error;
        return false;
      },
    );

  it('accepts any signed request whatever the order of its parameters and the spelling of spaces', async () => {
    await fc.assert(
      fc.asyncProperty(shape, fc.infiniteStream(fc.nat()), fc.boolean(), async (s, random, plus) => {
        const { request } = signed(s);
        const shuffle = (n: number) =>
          Array.from({ length: n }, (_, i) => i)
            .map((i) => [i, random.next().value] as const)
            .sort((a, b) => a[1] - b[1])
            .map(([i]) => i);
        const header = request.authorization as string;
        const [scheme, ...params] = header.split(', ');
        const reordered: OAuthRequest = {
          ...request,
          authorization: [scheme, ...shuffle(params.length).map((i) => params[i])].join(', '),
          query: wire(s.query, shuffle(s.query.length), plus),
          form: s.form && wire(s.form, shuffle(s.form.length), plus),
        };
        return (await accepted(request)) && (await accepted(reordered));
      }),
      { ...runs, numRuns: 150 },
    );
  });

  /** Replaces one character of a non-empty string with a different one. */
  const mutate = (value: string, at: number, by: string) => {
    const chars = [...value];
    const i = at % chars.length;
    chars[i] = chars[i] === by ? (by === 'x' ? 'y' : 'x') : by;
    return chars.join('');
  };

  it('refuses the request once any single character of its method, path, query, form body or oauth_ parameters changes', async () => {
    const part = fc.constantFrom('method', 'path', 'query', 'form', 'oauth');
    await fc.assert(
      fc.asyncProperty(
        shape,
        part,
        fc.nat(),
        fc.oneof(fc.char(), fc.constantFrom('+', ' ', '%', 'é', '\u0000')),
        async (s, which, at, by) => {
          const { request, oauth } = signed(s);
          let changed: OAuthRequest;
          if (which === 'method') {
            changed = { ...request, method: mutate(s.method, at, by === s.method[0] ? 'Q' : by.toUpperCase() || 'Q') };
            if (changed.method.toUpperCase() === s.method) return true;
          } else if (which === 'path') {
            const path = mutate(s.path, at, by);
            if (path === s.path || !/^[\x21-\x7e]+$/.test(path)) return true;
            changed = { ...request, uri: `https://api.example.com${path}` };
          } else if (which === 'query' || which === 'form') {
            const list = which === 'query' ? s.query : s.form;
            if (!list || list.length === 0) return true;
            const i = at % list.length;
            const [k, v] = list[i];
            const target = at % 2 === 0 || k === '' ? 1 : 0;
            const original = target === 1 ? v : k;
            const next = original === '' ? by : mutate(original, at, by);
            const copy = list.map((p): Pair => [...p]);
            copy[i][target] = next;
            const text = wire(
              copy,
              copy.map((_, j) => j),
              false,
            );
            changed = which === 'query' ? { ...request, query: text } : { ...request, form: text };
          } else {
            const signable = oauth.filter(([k]) => k !== 'oauth_signature');
            const i = at % signable.length;
            const copy = oauth.map((p): Pair => [...p]);
            const index = copy.findIndex(([k]) => k === signable[i][0]);
            copy[index][1] = mutate(copy[index][1], at, by);
            changed = { ...request, authorization: 'OAuth ' + copy.map(([k, v]) => `${k}="${enc(v)}"`).join(', ') };
          }
          // The original must verify, or its refusal of the change would prove nothing.
          return (await accepted(request)) && !(await accepted(changed));
        },
      ),
      { ...runs, numRuns: 400 },
    );
  });
});
