/**
 * Interop: real HTTP requests to the demo app, signed by two independent npm clients, for every signature
 * method each can produce and every parameter location it can use (RFC 5849 §3.5).
 *
 * - `oauth-1.0a` (ddo, 2.2) computes no signature itself: `hash_function(base_string, key)` is plugged in
 *   (HMAC through createHmac, RSA through createSign with the client's private key, which ignores `key`;
 *   PLAINTEXT is its own default). It writes only the Authorization header (`toHeader`); for the query
 *   string and the form body the `oauth_` entries of its `authorize()` output are placed by hand.
 * - `oauth` (ciaranj, 0.10) signs PLAINTEXT, HMAC-SHA1, HMAC-SHA256 and RSA-SHA1 (private key passed as
 *   the consumer secret) and nothing else; it puts the protocol parameters in the Authorization header
 *   (`get`, `post`) or the query string (`signUrl`), never in a form body, and cannot add oauth_body_hash.
 *
 * Every accepted case also checks, through a spy on the demo's protector, where the server found the
 * protocol parameters and which method and client it verified, so a test cannot pass by the wrong route.
 */
import { createHash, createHmac, createSign, generateKeyPairSync } from 'node:crypto';
import { OAuth, type dataCallback } from 'oauth';
import OAuth1a from 'oauth-1.0a';
import type { OAuthRequest } from '../src';
import { startDemo } from './support/demo';
import { ALICE, BOB, enc, RSA_ONLY, type Identity } from './support/sign';

let demo: Awaited<ReturnType<typeof startDemo>>;
let verify: jest.SpiedFunction<typeof demo.protector.verifyNow>;

beforeAll(async () => {
  demo = await startDemo();
  verify = jest.spyOn(demo.protector, 'verifyNow'); // what the guard calls
});
beforeEach(() => verify.mockClear());
afterAll(() => demo.stop());

type Location = 'header' | 'query' | 'form';
const WHERE: Record<Location, string> = { header: 'Authorization header', query: 'query string', form: 'form body' };

const ALICE_USER = { id: 1, name: 'alice' };
const USERS: Record<string, { id: number; name: string }> = {
  'demo-client': ALICE_USER,
  'other-client': { id: 2, name: 'bob' },
  'rsa-client': ALICE_USER,
};

/** Characters that every layer must encode and decode alike: space, '+', '/', '=', '&', '%', non-ASCII. */
const TRICKY = 'a b+c/d=e&f 100% é 日本';

interface Reply {
  status: number;
  body: { error?: string; [key: string]: unknown };
  challenge: string | null;
}

/** Pairs as a query string or form body, every name and value encoded per RFC 5849 §3.6. */
const encodePairs = (pairs: readonly (readonly [string, string])[]): string =>
  pairs.map(([name, value]) => `${enc(name)}=${enc(value)}`).join('&');

async function send(url: string, init: RequestInit = {}): Promise<Reply> {
  const res = await fetch(url, init);
  return {
    status: res.status,
    body: (await res.json()) as Reply['body'],
    challenge: res.headers.get('www-authenticate'),
  };
}

/** Where the server found oauth_signature in the request it verified: ideally exactly one place. */
function locationsOf(request: OAuthRequest): Location[] {
  const has = (text: string | undefined) => text !== undefined && /(^|&)oauth_signature=/.test(text);
  const found: Location[] = [];
  if (request.authorization?.includes('oauth_signature=')) found.push('header');
  if (has(request.query)) found.push('query');
  if (has(request.form)) found.push('form');
  return found;
}

/** The one verification the last request caused: where its parameters were, and what was verified. */
async function lastVerification() {
  expect(verify).toHaveBeenCalledTimes(1);
  const [request] = verify.mock.calls[0];
  const verified = await verify.mock.results[0].value;
  return { where: locationsOf(request), method: verified.signatureMethod, clientId: verified.clientId };
}

// ---------------------------------------------------------------------------------------------------------
// oauth-1.0a

const DIGESTS: Record<string, string> = { SHA1: 'sha1', SHA256: 'sha256', SHA512: 'sha512' };
/** The body hash digest that goes with each method (SHA-1 for PLAINTEXT, as the extension's users do). */
const bodyDigest = (method: string) => DIGESTS[method.split('-')[1]] ?? 'sha1';

const hmac =
  (digest: string): OAuth1a.HashFunction =>
  (baseString, key) =>
    createHmac(digest, key).update(baseString).digest('base64');
const rsa =
  (digest: string, privateKey: string): OAuth1a.HashFunction =>
  (baseString) =>
    createSign(digest).update(baseString).sign(privateKey, 'base64');

/** oauth-1.0a's hash_function for a method; undefined for PLAINTEXT, whose default the library supplies. */
function hashFunction(method: string, who: Identity): OAuth1a.HashFunction | undefined {
  const [family, sha] = method.split('-');
  if (family === 'HMAC') return hmac(DIGESTS[sha]);
  if (family === 'RSA') return rsa(DIGESTS[sha], who.privateKey ?? '');
  return undefined;
}

function signer1a(who: Identity, method: string, hash = hashFunction(method, who)): OAuth1a {
  return new OAuth1a({
    consumer: { key: who.consumerKey, secret: who.consumerSecret ?? '' },
    signature_method: method,
    hash_function: hash,
    body_hash_function: (body) => createHash(bodyDigest(method)).update(body).digest('base64'),
    realm: 'demo',
  });
}

const tokenOf = (who: Identity): OAuth1a.Token => ({ key: who.token, secret: who.tokenSecret ?? '' });

/** oauth-1.0a's own Authorization header for one request. */
const header1a = (signer: OAuth1a, who: Identity, request: OAuth1a.RequestOptions): Record<string, string> => ({
  ...signer.toHeader(signer.authorize(request, tokenOf(who))),
});

/** Pairs as oauth-1.0a's `data`: one string per name, an array for a repeated name. */
function toData(pairs: [string, string][]): Record<string, string | string[]> {
  const data: Record<string, string | string[]> = {};
  for (const [name, value] of pairs) {
    const prior = data[name];
    data[name] = prior === undefined ? value : [...(Array.isArray(prior) ? prior : [prior]), value];
  }
  return data;
}

interface Request1a {
  method: 'GET' | 'POST';
  path: string;
  /** Application parameters: in the query for GET, in the form body for POST. */
  params?: [string, string][];
  /** A JSON body instead of a form, covered by oauth_body_hash. */
  json?: string;
}

/** One request signed by oauth-1.0a, its protocol parameters placed in `location`. */
async function via1a(signer: OAuth1a, who: Identity, location: Location, req: Request1a): Promise<Reply> {
  const params = req.params ?? [];
  const query = req.method === 'GET' ? params : [];
  const form = req.method === 'POST' && req.json === undefined ? params : undefined;
  const url = `${demo.base}${req.path}${query.length ? `?${encodePairs(query)}` : ''}`;
  const auth = signer.authorize(
    req.json === undefined
      ? { method: req.method, url, data: form && toData(form) }
      : { method: req.method, url, data: req.json, includeBodyHash: true },
    tokenOf(who),
  );
  // authorize() answers the signed data as well; only the oauth_ entries are protocol parameters.
  const oauth = Object.entries(auth)
    .filter(([name]) => name.startsWith('oauth_'))
    .map(([name, value]): [string, string] => [name, String(value)]);
  const headers: Record<string, string> = {};
  let target = url;
  let body = form && encodePairs(form);
  if (location === 'header') headers.Authorization = signer.toHeader(auth).Authorization;
  if (location === 'query') target += `${query.length ? '&' : '?'}${encodePairs(oauth)}`;
  if (location === 'form') body = [body, encodePairs(oauth)].filter(Boolean).join('&');
  if (form) headers['Content-Type'] = 'application/x-www-form-urlencoded';
  if (req.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = req.json;
  }
  return send(target, { method: req.method, headers, body });
}

/** Each seeded client with every method it may use. */
const CLIENT_METHODS: [Identity, string[]][] = [
  [ALICE, ['HMAC-SHA1', 'HMAC-SHA256', 'HMAC-SHA512', 'RSA-SHA1', 'RSA-SHA256', 'RSA-SHA512', 'PLAINTEXT']],
  [BOB, ['HMAC-SHA1', 'HMAC-SHA256', 'HMAC-SHA512', 'PLAINTEXT']],
  [RSA_ONLY, ['RSA-SHA1', 'RSA-SHA256', 'RSA-SHA512']],
];

describe('oauth-1.0a', () => {
  const matrix = CLIENT_METHODS.flatMap(([who, methods]) =>
    methods.flatMap((method) =>
      (['header', 'query', 'form'] as const).map((location) => ({
        method,
        client: who.consumerKey,
        where: WHERE[location],
        who,
        location,
      })),
    ),
  );

  test.each(matrix)('oauth-1.0a $method from $client in the $where is accepted', async ({ method, who, location }) => {
    const signer = signer1a(who, method);
    const user = USERS[who.consumerKey];
    if (location === 'form') {
      const reply = await via1a(signer, who, location, {
        method: 'POST',
        path: '/api/notes',
        params: [['text', TRICKY]],
      });
      expect(reply).toEqual({ status: 200, body: { user, text: TRICKY }, challenge: null });
    } else {
      const reply = await via1a(signer, who, location, { method: 'GET', path: '/api/me', params: [['q', TRICKY]] });
      expect(reply).toEqual({ status: 200, body: { user, client_id: who.consumerKey }, challenge: null });
    }
    expect(await lastVerification()).toEqual({ where: [location], method, clientId: who.consumerKey });
  });

  const QUERY_VALUES: [string, string][] = [
    ['spaces', 'hello big world'],
    ["a '+' sign", '1+1=2'],
    ['slashes', '/path/to/it'],
    ['unicode', 'café é 日本 🙂'],
    ["a '%' sign", '100% sure, %41 stays'],
    ['reserved characters', "!*'();:@&=$,?#[]"],
    ['an empty value', ''],
  ];

  test.each(QUERY_VALUES)(
    'oauth-1.0a HMAC-SHA1 signs a GET whose query has %s, and it is accepted',
    async (_, value) => {
      const reply = await via1a(signer1a(ALICE, 'HMAC-SHA1'), ALICE, 'header', {
        method: 'GET',
        path: '/api/users/me',
        params: [
          ['q', value],
          ['lang', 'fr'],
        ],
      });
      expect(reply).toEqual({ status: 200, body: { user: ALICE_USER }, challenge: null });
      expect(await lastVerification()).toEqual({ where: ['header'], method: 'HMAC-SHA1', clientId: 'demo-client' });
    },
  );

  test.each(['header', 'query'] as const)(
    'oauth-1.0a signs repeated query names (arrays) with the parameters in the %s, and it is accepted',
    async (location) => {
      const reply = await via1a(signer1a(BOB, 'HMAC-SHA256'), BOB, location, {
        method: 'GET',
        path: '/api/users/me',
        params: [
          ['tag', 'b'],
          ['tag', 'a b'],
          ['tag', 'a'],
        ],
      });
      expect(reply).toEqual({ status: 200, body: { user: { id: 2, name: 'bob' } }, challenge: null });
      expect(await lastVerification()).toEqual({ where: [location], method: 'HMAC-SHA256', clientId: 'other-client' });
    },
  );

  test.each(['header', 'form'] as const)(
    'oauth-1.0a signs a form with repeated names (arrays) with the parameters in the %s, and it is accepted',
    async (location) => {
      const reply = await via1a(signer1a(ALICE, 'HMAC-SHA512'), ALICE, location, {
        method: 'POST',
        path: '/api/notes',
        params: [
          ['text', 'tagged'],
          ['tag', 'zeta'],
          ['tag', 'alpha'],
          ['tag', 'é'],
        ],
      });
      expect(reply).toEqual({ status: 200, body: { user: ALICE_USER, text: 'tagged' }, challenge: null });
      expect(await lastVerification()).toEqual({ where: [location], method: 'HMAC-SHA512', clientId: 'demo-client' });
    },
  );

  test.each(
    CLIENT_METHODS.flatMap(([who, methods]) => methods.map((method) => ({ method, client: who.consumerKey, who }))),
  )(
    'oauth-1.0a $method from $client posts JSON with its oauth_body_hash, and it is accepted',
    async ({ method, who }) => {
      const json = JSON.stringify({ text: TRICKY });
      const reply = await via1a(signer1a(who, method), who, 'header', { method: 'POST', path: '/api/notes', json });
      expect(reply).toEqual({ status: 200, body: { user: USERS[who.consumerKey], text: TRICKY }, challenge: null });
      expect(await lastVerification()).toEqual({ where: ['header'], method, clientId: who.consumerKey });
    },
  );
});

// ---------------------------------------------------------------------------------------------------------
// oauth

function signerOauth(who: Identity, method: string): OAuth {
  // RSA-SHA1 takes the PEM private key in place of the consumer secret.
  const secret = method === 'RSA-SHA1' ? who.privateKey : who.consumerSecret;
  return new OAuth('', '', who.consumerKey, secret ?? '', '1.0', null, method);
}

/** Promisifies one `oauth` call (its callback gets an error object for any status outside 2xx). */
function viaOauth(call: (callback: dataCallback) => unknown): Promise<Reply> {
  return new Promise((resolve, reject) => {
    call((error, data, response) => {
      if (!response) return reject(error);
      const challenge = response.headers['www-authenticate'] ?? null;
      resolve({ status: response.statusCode ?? 0, body: JSON.parse(String(data)), challenge });
    });
  });
}

const OAUTH_CLIENT_METHODS: [Identity, string[]][] = [
  [ALICE, ['HMAC-SHA1', 'HMAC-SHA256', 'RSA-SHA1', 'PLAINTEXT']],
  [BOB, ['HMAC-SHA1', 'HMAC-SHA256', 'PLAINTEXT']],
  [RSA_ONLY, ['RSA-SHA1']],
];

describe('oauth', () => {
  const cases = OAUTH_CLIENT_METHODS.flatMap(([who, methods]) =>
    methods.map((method) => ({ method, client: who.consumerKey, who })),
  );

  test.each(cases)(
    'oauth $method from $client in the Authorization header (get) is accepted',
    async ({ method, who }) => {
      const url = `${demo.base}/api/me?q=${enc(TRICKY)}&lang=fr`;
      const reply = await viaOauth((cb) => signerOauth(who, method).get(url, who.token, who.tokenSecret ?? '', cb));
      expect(reply).toEqual({
        status: 200,
        body: { user: USERS[who.consumerKey], client_id: who.consumerKey },
        challenge: null,
      });
      expect(await lastVerification()).toEqual({ where: ['header'], method, clientId: who.consumerKey });
    },
  );

  test.each(cases)(
    'oauth $method from $client in the Authorization header with a signed form body (post) is accepted',
    async ({ method, who }) => {
      const form = { text: TRICKY, tag: ['zeta', 'alpha', 'é'] };
      const reply = await viaOauth((cb) =>
        signerOauth(who, method).post(`${demo.base}/api/notes`, who.token, who.tokenSecret ?? '', form, undefined, cb),
      );
      expect(reply).toEqual({ status: 200, body: { user: USERS[who.consumerKey], text: TRICKY }, challenge: null });
      expect(await lastVerification()).toEqual({ where: ['header'], method, clientId: who.consumerKey });
    },
  );

  test.each(cases)('oauth $method from $client in the query string (signUrl) is accepted', async ({ method, who }) => {
    const url = `${demo.base}/api/me?q=${enc(TRICKY)}&lang=fr`;
    const signed = signerOauth(who, method).signUrl(url, who.token, who.tokenSecret ?? '');
    const reply = await send(signed);
    expect(reply).toEqual({
      status: 200,
      body: { user: USERS[who.consumerKey], client_id: who.consumerKey },
      challenge: null,
    });
    expect(await lastVerification()).toEqual({ where: ['query'], method, clientId: who.consumerKey });
  });

  test.each([
    ['spaces as %20', 'q=hello%20big%20world'],
    ["spaces as '+' (form encoding)", 'q=hello+big+world'],
    ["an encoded '+'", 'q=1%2B1%3D2'],
    ['raw slashes and colons', 'q=/path/to:it'],
    ['unicode', `q=${enc('café é 日本 🙂')}`],
    ["an encoded '%'", 'q=100%25%20sure'],
  ])('oauth HMAC-SHA1 signs a GET whose query has %s, and it is accepted', async (_, query) => {
    const url = `${demo.base}/api/users/me?${query}`;
    const reply = await viaOauth((cb) =>
      signerOauth(ALICE, 'HMAC-SHA1').get(url, ALICE.token, ALICE.tokenSecret ?? '', cb),
    );
    expect(reply).toEqual({ status: 200, body: { user: ALICE_USER }, challenge: null });
    expect(await lastVerification()).toEqual({ where: ['header'], method: 'HMAC-SHA1', clientId: 'demo-client' });
  });
});

// ---------------------------------------------------------------------------------------------------------
// Negative controls: the same clients, one thing wrong, and the exact error.

const OTHER_PRIVATE_KEY = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

const getMe = { method: 'GET', path: '/api/me', params: [['q', TRICKY]] } satisfies Request1a;

describe('negative controls', () => {
  const NEGATIVE: {
    name: string;
    status: number;
    error: string;
    problem?: string;
    /** Which check failed, where the code alone does not tell. */
    description?: RegExp;
    run: () => Promise<Reply>;
  }[] = [
    {
      name: 'oauth-1.0a HMAC-SHA1 with a wrong consumer secret',
      status: 401,
      error: 'invalid_signature',
      problem: 'signature_invalid',
      run: () => via1a(signer1a({ ...ALICE, consumerSecret: 'not-the-secret' }, 'HMAC-SHA1'), ALICE, 'header', getMe),
    },
    {
      name: 'oauth-1.0a HMAC-SHA512 with a wrong token secret, in the query string',
      status: 401,
      error: 'invalid_signature',
      problem: 'signature_invalid',
      run: () => {
        const who = { ...BOB, tokenSecret: 'not-the-token-secret' };
        return via1a(signer1a(who, 'HMAC-SHA512'), who, 'query', getMe);
      },
    },
    {
      name: 'oauth-1.0a RSA-SHA256 signed with another private key, in the form body',
      status: 401,
      error: 'invalid_signature',
      problem: 'signature_invalid',
      run: () =>
        via1a(signer1a(RSA_ONLY, 'RSA-SHA256', rsa('sha256', OTHER_PRIVATE_KEY)), RSA_ONLY, 'form', {
          method: 'POST',
          path: '/api/notes',
          params: [['text', 'forged']],
        }),
    },
    {
      name: 'oauth PLAINTEXT with a wrong consumer secret',
      status: 401,
      error: 'invalid_signature',
      problem: 'signature_invalid',
      run: () =>
        viaOauth((cb) =>
          signerOauth({ ...BOB, consumerSecret: 'not-the-secret' }, 'PLAINTEXT').get(
            `${demo.base}/api/me`,
            BOB.token,
            BOB.tokenSecret ?? '',
            cb,
          ),
        ),
    },
    {
      name: 'oauth signUrl with a query value changed after signing',
      status: 401,
      error: 'invalid_signature',
      problem: 'signature_invalid',
      run: () => {
        const signed = signerOauth(ALICE, 'HMAC-SHA256').signUrl(
          `${demo.base}/api/me?amount=10`,
          ALICE.token,
          ALICE.tokenSecret ?? '',
        );
        return send(signed.replace('amount=10', 'amount=1000'));
      },
    },
    {
      name: 'oauth-1.0a JSON whose body differs from the one its oauth_body_hash covers',
      status: 401,
      error: 'invalid_signature',
      problem: 'signature_invalid',
      description: /oauth_body_hash/,
      run: async () => {
        const signer = signer1a(ALICE, 'HMAC-SHA256');
        const url = `${demo.base}/api/notes`;
        const signed = header1a(signer, ALICE, {
          method: 'POST',
          url,
          data: '{"text":"signed"}',
          includeBodyHash: true,
        });
        const headers = { ...signed, 'Content-Type': 'application/json' };
        return send(url, { method: 'POST', headers, body: '{"text":"tampered"}' });
      },
    },
    {
      name: 'oauth-1.0a RSA-SHA1 from other-client (HMAC and PLAINTEXT only)',
      status: 400,
      error: 'unsupported_signature_method',
      run: () => via1a(signer1a({ ...BOB, privateKey: ALICE.privateKey }, 'RSA-SHA1'), BOB, 'header', getMe),
    },
    {
      name: 'oauth HMAC-SHA1 from rsa-client (RSA only, no client secret)',
      status: 400,
      error: 'unsupported_signature_method',
      run: () =>
        viaOauth((cb) =>
          signerOauth(RSA_ONLY, 'HMAC-SHA1').get(`${demo.base}/api/me`, RSA_ONLY.token, RSA_ONLY.tokenSecret ?? '', cb),
        ),
    },
    {
      name: 'oauth PLAINTEXT from rsa-client, in the query string',
      status: 400,
      error: 'unsupported_signature_method',
      run: () =>
        send(
          signerOauth(RSA_ONLY, 'PLAINTEXT').signUrl(`${demo.base}/api/me`, RSA_ONLY.token, RSA_ONLY.tokenSecret ?? ''),
        ),
    },
    {
      // oauth's post() has no way to add oauth_body_hash, which the route requires for a non-form body.
      name: 'oauth post() of JSON, which it cannot cover with oauth_body_hash',
      status: 400,
      error: 'missing_required_parameter',
      run: () =>
        viaOauth((cb) =>
          signerOauth(ALICE, 'HMAC-SHA1').post(
            `${demo.base}/api/notes`,
            ALICE.token,
            ALICE.tokenSecret ?? '',
            JSON.stringify({ text: 'from json' }),
            'application/json',
            cb,
          ),
        ),
    },
    {
      // The body-hash extension forbids oauth_body_hash on a form-encoded body.
      name: 'oauth-1.0a includeBodyHash on a form body',
      status: 400,
      error: 'invalid_request',
      run: async () => {
        const signer = signer1a(ALICE, 'HMAC-SHA1');
        const url = `${demo.base}/api/notes`;
        const body = encodePairs([['text', 'hashed form']]);
        const signed = header1a(signer, ALICE, { method: 'POST', url, data: body, includeBodyHash: true });
        const headers = { ...signed, 'Content-Type': 'application/x-www-form-urlencoded' };
        return send(url, { method: 'POST', headers, body });
      },
    },
    {
      // oauth-1.0a's deParam reads '+' literally, but in a query it is a space (§3.4.1.3.1, HTML 4 §17.13.4):
      // the server must not take its signature. The `oauth` client, which decodes '+', is accepted above.
      name: "oauth-1.0a signing a query that spells a space as '+' (it signs a literal '+')",
      status: 401,
      error: 'invalid_signature',
      problem: 'signature_invalid',
      run: async () => {
        const signer = signer1a(ALICE, 'HMAC-SHA1');
        const url = `${demo.base}/api/me?q=hello+world`;
        return send(url, { headers: header1a(signer, ALICE, { method: 'GET', url }) });
      },
    },
    {
      // oauth turns repeated query names into q[0], q[1] before signing: the server signs q=a&q=b.
      name: 'oauth signing a query with a repeated name (it signs q[0] and q[1])',
      status: 401,
      error: 'invalid_signature',
      problem: 'signature_invalid',
      run: () =>
        viaOauth((cb) =>
          signerOauth(ALICE, 'HMAC-SHA1').get(`${demo.base}/api/me?q=a&q=b`, ALICE.token, ALICE.tokenSecret ?? '', cb),
        ),
    },
    {
      // oauth-1.0a's deParam decodes query values but not names, so it signs `k%2520y` for the name `k y`.
      name: 'oauth-1.0a signing a query name that needs encoding (it encodes it twice)',
      status: 401,
      error: 'invalid_signature',
      problem: 'signature_invalid',
      run: async () => {
        const signer = signer1a(ALICE, 'HMAC-SHA1');
        const url = `${demo.base}/api/me?${encodePairs([['k y', 'v']])}`;
        return send(url, { headers: header1a(signer, ALICE, { method: 'GET', url }) });
      },
    },
    {
      // Without body_hash_function, oauth-1.0a hashes the body with hash_function, an HMAC, not a digest.
      name: 'oauth-1.0a JSON with its default body_hash_function (an HMAC of the body)',
      status: 401,
      error: 'invalid_signature',
      problem: 'signature_invalid',
      description: /oauth_body_hash/,
      run: async () => {
        const signer = new OAuth1a({
          consumer: { key: ALICE.consumerKey, secret: ALICE.consumerSecret ?? '' },
          signature_method: 'HMAC-SHA1',
          hash_function: hmac('sha1'),
        });
        const url = `${demo.base}/api/notes`;
        const json = JSON.stringify({ text: 'from json' });
        const signed = header1a(signer, ALICE, { method: 'POST', url, data: json, includeBodyHash: true });
        return send(url, { method: 'POST', headers: { ...signed, 'Content-Type': 'application/json' }, body: json });
      },
    },
    {
      // oauth's post() signs the parameters of an object body only; a ready form string goes out unsigned.
      name: 'oauth post() of a form body given as a string (it leaves the form parameters unsigned)',
      status: 401,
      error: 'invalid_signature',
      problem: 'signature_invalid',
      run: () =>
        viaOauth((cb) =>
          signerOauth(ALICE, 'HMAC-SHA1').post(
            `${demo.base}/api/notes`,
            ALICE.token,
            ALICE.tokenSecret ?? '',
            'text=unsigned',
            'application/x-www-form-urlencoded',
            cb,
          ),
        ),
    },
  ];

  test.each(NEGATIVE)('$name is refused: $status $error', async ({ status, error, problem, description, run }) => {
    const reply = await run();
    expect(reply.status).toBe(status);
    expect(reply.body.error).toBe(error);
    if (description) expect(reply.body.error_description).toMatch(description);
    if (status === 401) {
      expect(reply.challenge).toContain('realm="demo"');
      expect(reply.challenge).toContain(`oauth_problem="${problem}"`);
    } else {
      expect(reply.challenge).toBeNull();
    }
  });

  it('oauth-1.0a: the same signed header sent twice is accepted once, then refused: 401 invalid_nonce', async () => {
    const signer = signer1a(ALICE, 'RSA-SHA512');
    const url = `${demo.base}/api/me`;
    const headers = header1a(signer, ALICE, { method: 'GET', url });
    const first = await send(url, { headers });
    const second = await send(url, { headers });
    expect(first).toEqual({ status: 200, body: { user: ALICE_USER, client_id: 'demo-client' }, challenge: null });
    expect(second).toMatchObject({ status: 401, body: { error: 'invalid_nonce' } });
    expect(second.challenge).toContain('oauth_problem="nonce_used"');
  });
});
