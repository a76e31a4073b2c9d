import { validateHeaderValue } from 'node:http';
import {
  InvalidSignatureError,
  MemoryNonceCache,
  RequireOAuth,
  ResourceProtector,
  type OAuthRequest,
  type ResourceProtectorOptions,
  type RouteOptions,
  type SignatureMethod,
} from '../../src';
import { oauthBodyParser as expressBodyParser, requireOAuth as expressRequireOAuth } from '../../src/express';
import { oauthBodyParser as koaBodyParser, requireOAuth as koaRequireOAuth } from '../../src/koa';
import { errorResponse } from '../../src/protector/error-response';
import { DEFAULT_LIMITS, DEFAULTS } from '../../src/protector/settings';
import { client, token, WHO } from '../support/fixtures';
import { sign } from '../support/sign';

/** The challenge a refusal carries under this realm, as Node would check it before sending. */
const sendableChallenge = (realm: string) => {
  const challenge = errorResponse(new InvalidSignatureError(), realm).headers['WWW-Authenticate'];
  validateHeaderValue('WWW-Authenticate', challenge);
  return challenge;
};

const stores = { queryClient: () => undefined, queryToken: () => undefined };
const protectorWith = (options: Partial<ResourceProtectorOptions>) =>
  new ResourceProtector({ ...stores, nonceCache: new MemoryNonceCache(), ...options } as ResourceProtectorOptions);

describe('a setting given as undefined keeps its default', () => {
  it('at the top level and inside limits', () => {
    const { settings } = protectorWith({
      timestampWindowSeconds: undefined,
      realm: undefined,
      limits: { body: undefined, parameters: undefined, authorizationHeader: 100 },
    });
    expect(settings.timestampWindowSeconds).toBe(DEFAULTS.timestampWindowSeconds);
    expect(settings.realm).toBe(DEFAULTS.realm);
    expect(settings.limits).toEqual({ ...DEFAULT_LIMITS, authorizationHeader: 100 });
  });
});

describe('a setting that would not mean what it says is refused at construction', () => {
  // Each of these would otherwise switch a limit off (NaN and undefined compare false with everything), make
  // every refusal a 500 (a realm Node will not put in a header) or refuse every request (an unknown method).
  it.each<[string, Partial<ResourceProtectorOptions>, RegExp]>([
    ['a NaN parameters limit', { limits: { parameters: NaN } }, /limits\.parameters must be a whole number/],
    ['a negative body limit', { limits: { body: -1 } }, /limits\.body must be a whole number from 0/],
    ['an infinite header limit', { limits: { authorizationHeader: Infinity } }, /limits\.authorizationHeader/],
    ['a fractional credential length', { limits: { credentialLength: 2.5 } }, /limits\.credentialLength/],
    ['a zero parameters limit', { limits: { parameters: 0 } }, /limits\.parameters must be a whole number from 1/],
    ['a zero JSON depth', { limits: { jsonDepth: 0 } }, /limits\.jsonDepth must be a whole number from 1/],
    [
      'no store call allowed to wait',
      { limits: { storeCallsWaiting: 0 } },
      /limits\.storeCallsWaiting must be a whole number from 1/,
    ],
    ['a NaN number of waiting store calls', { limits: { storeCallsWaiting: NaN } }, /limits\.storeCallsWaiting/],
    ['a limit given as text', { limits: { body: '1mb' as unknown as number } }, /limits\.body/],
    ['a zero window', { timestampWindowSeconds: 0 }, /timestampWindowSeconds/],
    [
      'a window over a year',
      { timestampWindowSeconds: 365 * 24 * 3600 + 1 },
      /timestampWindowSeconds must be a whole number from 1 to 31536000/,
    ],
    ['a NaN store timeout', { storeTimeoutMs: NaN }, /storeTimeoutMs/],
    [
      'a store timeout Node cannot time',
      { storeTimeoutMs: 2 ** 31 },
      /storeTimeoutMs must be a whole number from 1 to 2147483647/,
    ],
    ['a clock that is not a function', { clock: 0 as unknown as () => number }, /clock must be a function/],
    // Every request was a 401 naming a window in January 1970.
    [
      'a clock answering seconds',
      { clock: () => Math.floor(Date.now() / 1000) },
      /clock answered \d+, seconds since the epoch; it must answer milliseconds, as Date\.now\(\) does\./,
    ],
    ['a clock answering seconds with a fraction', { clock: () => Date.now() / 1000 }, /clock answered/],
    // Read as truthy before: "false" from an environment variable allowed plain http, and every route two-legged.
    [
      'insecure transport as the text "false"',
      { allowInsecureTransport: 'false' as never },
      /allowInsecureTransport must be true or false, not "false"/,
    ],
    ['two-legged as the text "false"', { twoLegged: 'false' as never }, /twoLegged must be true or false/],
    ['requireTimestampAndNonce as 0', { requireTimestampAndNonce: 0 as never }, /requireTimestampAndNonce/],
    ['currentCredential as null', { currentCredential: null as never }, /currentCredential must be true or false/],
    ['mirrorUser as 1', { mirrorUser: 1 as never }, /mirrorUser must be true or false, not 1/],
    ['a realm with a line break', { realm: 'a\r\nSet-Cookie: x=1' }, /realm/],
    ['a realm beyond Latin-1', { realm: 'café ☕' }, /realm/],
    ['no signature method', { signatureMethods: [] }, /at least one method/],
    [
      'a base string rule misspelt',
      { baseString: 'MasterCard' as never },
      /baseString is one of 'rfc5849', 'mastercard'/,
    ],
    // A name that is no setting left the setting at its default without a word.
    [
      'a misspelt limit',
      { limits: { maxBody: 1024 } as never },
      /Unknown limits "maxBody"; known: authorizationHeader, parameters,/,
    ],
    ['limits that are no object', { limits: 5 as never }, /limits must be an object, not 5/],
    ['a misspelt setting', { timestampWindow: 60 } as never, /Unknown option "timestampWindow"; known: /],
    ['a limit given as text shows it was text', { limits: { body: '65536' as never } }, /not "65536"/],
    // A form or JSON body is read as one string: a longer one than V8 makes threw, a 500.
    [
      'a body limit over the longest string V8 makes',
      { limits: { body: 2 ** 29 } },
      /limits\.body must be a whole number from 0 to 536870888/,
    ],
    // Stores and hooks that are not functions failed every request later (503), or were ignored without a word.
    ['no queryClient', { queryClient: undefined }, /queryClient must be a function, not undefined/],
    ['queryToken given as text', { queryToken: 'SELECT 1' as never }, /queryToken must be a function, not string/],
    ['a nonceCache without setIfAbsent()', { nonceCache: {} as never }, /nonceCache must be a NonceCache/],
    ['an audit hook that is an object', { audit: { info() {} } as never }, /audit must be a function, not object/],
    ['renderRefusal given as text', { renderRefusal: 'x' as never }, /renderRefusal must be a function/],
    ['getScopes given an array', { getScopes: ['admin'] as never }, /getScopes must be a function/],
    // 'false' from an environment variable logged the base string of every refused signature.
    ['debugSignatures as text', { debugSignatures: 'false' as never }, /debugSignatures must be true, false or a/],
    [
      'a custom signature method that is no method',
      { customSignatureMethods: { 'MY-HMAC': 1 as never } },
      /customSignatureMethods\["MY-HMAC"\] is no signature method/,
    ],
    [
      'a misspelt signature method',
      { signatureMethods: ['HMAC-SHA1', 'hmac-sha256'] },
      /Unknown signature method "hmac-sha256"; known: HMAC-SHA1,/,
    ],
  ])('%s', (_what, options, message) => {
    expect(() => protectorWith(options)).toThrow(TypeError);
    expect(() => protectorWith(options)).toThrow(message);
  });

  it('the edges themselves are accepted', () => {
    const { settings } = protectorWith({
      limits: { body: 0, parameters: 1, credentialLength: 1, authorizationHeader: 1 },
      timestampWindowSeconds: 1,
      storeTimeoutMs: 2 ** 31 - 1,
      realm: 'Photos & more\t(Zürich), "quoted" \\ too',
      signatureMethods: ['HMAC-SHA256', 'MY-HMAC'],
      customSignatureMethods: {
        'MY-HMAC': { keyType: 'secret', bodyHashDigest: 'sha1', sign: () => '', verify: () => false },
      },
    });
    expect(sendableChallenge(settings.realm)).toMatch(
      /^OAuth realm="Photos & more\t\(Zürich\), \\"quoted\\" \\\\ too"/,
    );
    expect(() => sendableChallenge('a\r\nSet-Cookie: x=1')).toThrow(); // why such a realm is refused
    expect(settings.limits.body).toBe(0);
    expect(settings.storeTimeoutMs).toBe(2 ** 31 - 1);
    expect([...settings.methodTable.keys()]).toContain('MY-HMAC');
  });

  it('a clock is refused for a reading in seconds only: fake clocks, one that throws and the edges are accepted', () => {
    for (const reading of [0, 1000, 999_999_999.9, 1e11, Date.now(), NaN]) {
      expect(protectorWith({ clock: () => reading }).settings.clock()).toBe(reading);
    }
    expect(() =>
      protectorWith({
        clock: () => {
          throw new Error('no time');
        },
      }),
    ).not.toThrow();
    expect(() => protectorWith({ clock: () => 1e9 })).toThrow(/clock answered 1000000000, seconds/);
    expect(() => protectorWith({ clock: () => 1e11 - 1 })).toThrow(/clock answered/);
    // init() checks its settings as the constructor does.
    expect(() =>
      protectorWith({}).init({ ...stores, nonceCache: new MemoryNonceCache(), clock: () => Date.now() / 1000 }),
    ).toThrow(/clock answered/);
  });
});

describe("a route's options are checked where the route is declared", () => {
  const sites: [string, (route: RouteOptions) => unknown][] = [
    ['@RequireOAuth()', (route) => RequireOAuth(route)],
    ['Koa requireOAuth()', (route) => koaRequireOAuth(protectorWith({}), route)],
    ['Express requireOAuth()', (route) => expressRequireOAuth(protectorWith({}), route)],
  ];

  it.each(sites)('%s', (_where, declare) => {
    expect(() => declare({ realm: 'line\nbreak' })).toThrow(/realm/);
    // `scopes: 'admin'` made every verified request a 500; 'read admin' could only match a scope spelt so.
    for (const scopes of ['admin', ['read admin'], [''], [1]]) {
      expect(() => declare({ scopes: scopes as never })).toThrow("A route's scopes are an array of scope names");
    }
    for (const signatureMethods of ['HMAC-SHA1', []]) {
      expect(() => declare({ signatureMethods: signatureMethods as never })).toThrow(/signatureMethods/);
    }
    expect(() => declare({ authorize: [() => true, 'admin'] as never })).toThrow(/authorize is a function/);
    expect(() => declare({ optional: 'yes' as never })).toThrow(/optional is true or false/);
    expect(() => declare({ twoLegged: 1 as never })).toThrow(/twoLegged is true or false/);
    expect(() => declare({ baseString: 'RFC5849' as never })).toThrow(/baseString is one of 'rfc5849', 'mastercard'/);
    // A misspelt name left the route open to every valid token: no scope, no predicate.
    expect(() => declare({ scope: ['admin'] } as never)).toThrow(/Unknown route option "scope"; known: realm,/);
    expect(() => declare({ authorise: () => false } as never)).toThrow(/Unknown route option "authorise"/);
    expect(() =>
      declare({
        realm: 'fine',
        baseString: 'mastercard',
        scopes: ['notes:read', 'admin'],
        signatureMethods: ['HMAC-SHA1'],
        authorize: () => true,
        optional: false,
        twoLegged: true,
      }),
    ).not.toThrow();
    expect(() => declare({ scopes: [] })).not.toThrow(); // no scope required
  });
});

describe('settings that change what a request must carry', () => {
  const URL = 'https://api.example.com/items?limit=5';
  const requestOf = (header: string): OAuthRequest => ({
    method: 'GET',
    uri: 'https://api.example.com/items',
    secure: true,
    authorization: header,
    query: 'limit=5',
    body: Buffer.alloc(0),
  });
  const verifierWith = (options: Partial<ResourceProtectorOptions>) =>
    new ResourceProtector({
      queryClient: (id) => (id === 'ck' ? client : undefined),
      queryToken: (_id, t) => (t === 'tk' ? token : undefined),
      nonceCache: new MemoryNonceCache(),
      ...options,
    } as ResourceProtectorOptions);
  const plaintext = () =>
    requestOf(
      sign({
        url: URL,
        who: WHO,
        signatureMethod: 'PLAINTEXT',
        oauth: { oauth_timestamp: undefined, oauth_nonce: undefined },
      }).header,
    );

  it('requireTimestampAndNonce: a PLAINTEXT request without them is refused; by default it passes, and can be replayed', () => {
    const lenient = verifierWith({ signatureMethods: ['PLAINTEXT'] });
    const request = plaintext();
    expect(lenient.verifyNow(request)).toMatchObject({ clientId: 'ck', timestamp: undefined, nonce: undefined });
    expect(lenient.verifyNow(request)).toMatchObject({ clientId: 'ck' }); // nothing recorded: the documented replay
    const strict = verifierWith({ signatureMethods: ['PLAINTEXT'], requireTimestampAndNonce: true });
    expect(() => strict.verifyNow(plaintext())).toThrow(
      expect.objectContaining({
        code: 'missing_required_parameter',
        message: expect.stringContaining('oauth_timestamp'),
      }),
    );
  });

  it("customSignatureMethods: a protector's own method signs and verifies, once enabled, and only on that protector", () => {
    // A toy method (never use it): the signature is the base string's length, so a test can tell it was used.
    const LENGTH: SignatureMethod = {
      keyType: 'secret',
      bodyHashDigest: 'sha1',
      sign: (baseString) => String(baseString.length),
      verify: (baseString, signature) => signature === String(baseString.length),
    };
    const signedWith = (signature?: string) => {
      const first = sign({ url: URL, who: WHO, signatureMethod: 'X-LENGTH' });
      return requestOf(
        first.header.replace(/oauth_signature="[^"]*"/, `oauth_signature="${signature ?? first.baseString.length}"`),
      );
    };
    const own = verifierWith({ signatureMethods: ['X-LENGTH'], customSignatureMethods: { 'X-LENGTH': LENGTH } });
    expect(own.verifyNow(signedWith())).toMatchObject({ clientId: 'ck', signatureMethod: 'X-LENGTH' });
    expect(() => own.verifyNow(signedWith('1'))).toThrow(expect.objectContaining({ code: 'invalid_signature' }));
    // Known but not enabled, and unknown to another protector.
    const notEnabled = verifierWith({ customSignatureMethods: { 'X-LENGTH': LENGTH } });
    expect(() => notEnabled.verifyNow(signedWith())).toThrow(
      expect.objectContaining({ code: 'unsupported_signature_method' }),
    );
    expect(() => verifierWith({ signatureMethods: ['X-LENGTH'] })).toThrow(/Unknown signature method "X-LENGTH"/);
  });
});

describe('a middleware is given a protector, whose settings it reads', () => {
  // 0.1's `oauthBodyParser()` and `oauthBodyParser({ limit })` were mounted without a word, then answered 500.
  it.each([
    ['Koa oauthBodyParser', koaBodyParser],
    ['Express oauthBodyParser', expressBodyParser],
    ['Koa requireOAuth', koaRequireOAuth],
    ['Express requireOAuth', expressRequireOAuth],
  ])('%s', (_name, middleware) => {
    for (const given of [undefined, { limit: 1_000_000 }]) {
      expect(() => (middleware as (protector: unknown) => unknown)(given)).toThrow(/takes a ResourceProtector/);
    }
    expect(() => (middleware as (protector: unknown) => unknown)(protectorWith({}))).not.toThrow();
  });
});
