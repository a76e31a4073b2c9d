/**
 * Stores and models are the application's code: what they throw, and answers of the wrong type, are store faults
 * (503 `temporarily_unavailable`, the error as its cause), never a 500, and never read by their truthiness or as a
 * substring — a scope list stored as one string, `"notes:read superadmin"`, must not grant `admin`.
 */
import { createPublicKey } from 'node:crypto';
import {
  MemoryNonceCache,
  ResourceProtector,
  type AccessRules,
  type Client,
  type OAuthRequest,
  type ResourceProtectorOptions,
  type TokenCredential,
} from '../../src';
import { DEMO_PRIVATE_KEY, sign, type Identity } from '../support/sign';

const URL = 'https://api.example.com/items';
const WHO: Identity = {
  consumerKey: 'ck',
  consumerSecret: 'cs',
  token: 'tk',
  tokenSecret: 'ts',
  privateKey: DEMO_PRIVATE_KEY,
};
const PUBLIC_KEY = createPublicKey(DEMO_PRIVATE_KEY).export({ type: 'spki', format: 'pem' }).toString();

const boom = () => {
  throw new Error('db://admin:password@10.0.0.5 refused');
};

const goodClient = (): Client => ({ getClientSecret: () => 'cs', getRsaPublicKey: () => PUBLIC_KEY });
const goodToken = () => ({
  getOAuthToken: () => 'tk',
  getOAuthTokenSecret: () => 'ts',
  getScopes: () => ['read'],
});

function protectorWith(options: Partial<ResourceProtectorOptions>): ResourceProtector {
  return new ResourceProtector({
    queryClient: () => goodClient(),
    queryToken: () => goodToken(),
    nonceCache: new MemoryNonceCache(),
    signatureMethods: ['HMAC-SHA1', 'RSA-SHA1'],
    ...options,
  } as ResourceProtectorOptions);
}

const requestOf = (signatureMethod = 'HMAC-SHA1'): OAuthRequest => ({
  method: 'GET',
  uri: URL,
  secure: true,
  authorization: sign({ url: URL, who: WHO, signatureMethod }).header,
  query: '',
  body: Buffer.alloc(0),
});

/** What a step ends in: 'ok', or the OAuth error's status and code (a 500 would throw). */
async function outcomeOf(step: () => unknown): Promise<string> {
  try {
    await step();
    return 'ok';
  } catch (error) {
    const { code, status } = error as { code?: string; status?: number };
    if (code === undefined) throw error;
    return `${status} ${code}`;
  }
}

/** What verifying a fresh request ends in. */
const outcome = (protector: ResourceProtector, signatureMethod?: string) =>
  outcomeOf(() => protector.verifyNow(requestOf(signatureMethod)));

/** What `rules` answer a fresh request that verified. */
async function accessOutcome(protector: ResourceProtector, rules: AccessRules): Promise<string> {
  const verified = await protector.verifyNow(requestOf());
  const request = { method: 'GET', path: '/items', host: 'api.example.com', params: {}, query: {} };
  return outcomeOf(() => protector.checkAccess(verified, rules, request));
}

const UNAVAILABLE = '503 temporarily_unavailable';

describe('a model method that throws is a store fault', () => {
  it.each<[string, Partial<ResourceProtectorOptions>, string]>([
    ['getClientSecret()', { queryClient: () => ({ ...goodClient(), getClientSecret: boom }) }, 'HMAC-SHA1'],
    ['getRsaPublicKey()', { queryClient: () => ({ ...goodClient(), getRsaPublicKey: boom }) }, 'RSA-SHA1'],
    [
      'getAllowedSignatureMethods()',
      { queryClient: () => ({ ...goodClient(), getAllowedSignatureMethods: boom }) },
      'HMAC-SHA1',
    ],
    ['getOAuthToken()', { queryToken: () => ({ ...goodToken(), getOAuthToken: boom }) }, 'HMAC-SHA1'],
    ['getOAuthTokenSecret()', { queryToken: () => ({ ...goodToken(), getOAuthTokenSecret: boom }) }, 'HMAC-SHA1'],
    ['getClientId()', { queryToken: () => ({ ...goodToken(), getClientId: boom }) }, 'HMAC-SHA1'],
    ['isRevoked()', { queryToken: () => ({ ...goodToken(), isRevoked: boom }) }, 'HMAC-SHA1'],
    ['isExpired()', { queryToken: () => ({ ...goodToken(), isExpired: boom }) }, 'HMAC-SHA1'],
  ])('%s', async (_what, options, method) => {
    expect(await outcome(protectorWith(options), method)).toBe(UNAVAILABLE);
  });

  it('keeps what was thrown as the cause, out of the response', async () => {
    const protector = protectorWith({ queryClient: () => ({ ...goodClient(), getClientSecret: boom }) });
    await expect(Promise.resolve().then(() => protector.verifyNow(requestOf()))).rejects.toMatchObject({
      code: 'temporarily_unavailable',
      message: expect.not.stringContaining('db://'),
      cause: expect.objectContaining({ message: expect.stringContaining('db://') }),
    });
  });
});

describe('an answer of the wrong type is a store fault, never read by its truthiness', () => {
  it.each<[string, Partial<ResourceProtectorOptions>]>([
    ['queryClient answering a string', { queryClient: () => 'ck' as never }],
    ['queryClient answering a number', { queryClient: () => 42 as never }],
    ['queryClient answering an array', { queryClient: () => [] as never }],
    ['queryToken answering a string', { queryToken: () => 'tk' as never }],
    ['queryToken resolving to true', { queryToken: () => Promise.resolve(true as never) }],
    [
      'existsNonce answering undefined (it forgot to return)',
      { nonceCache: undefined, existsNonce: () => undefined as never },
    ],
    ['existsNonce answering an empty string', { nonceCache: undefined, existsNonce: () => '' as never }],
    ['existsNonce resolving to "OK"', { nonceCache: undefined, existsNonce: () => Promise.resolve('OK' as never) }],
    [
      'allowed methods as one string',
      { queryClient: () => ({ ...goodClient(), getAllowedSignatureMethods: () => 'XHMAC-SHA1 only' as never }) },
    ],
    [
      'allowed methods as a Set',
      { queryClient: () => ({ ...goodClient(), getAllowedSignatureMethods: () => new Set(['HMAC-SHA1']) as never }) },
    ],
  ])('%s', async (_what, options) => {
    expect(await outcome(protectorWith(options))).toBe(UNAVAILABLE);
  });

  const token = (more: object) => ({ queryToken: () => ({ ...goodToken(), ...more }) as never });
  const client = (more: object) => ({ queryClient: () => ({ ...goodClient(), ...more }) as never });

  it.each<[string, Partial<ResourceProtectorOptions>, string]>([
    ['isRevoked() that forgot to return', token({ isRevoked: () => undefined }), 'HMAC-SHA1'],
    ['isRevoked() answering a promise', token({ isRevoked: async () => false }), 'HMAC-SHA1'],
    ['isRevoked() answering "false"', token({ isRevoked: () => 'false' }), 'HMAC-SHA1'],
    ['isExpired() answering a promise', token({ isExpired: async () => false }), 'HMAC-SHA1'],
    ['isExpired() answering 0', token({ isExpired: () => 0 }), 'HMAC-SHA1'],
    ['getOAuthToken() answering a promise', token({ getOAuthToken: async () => 'tk' }), 'HMAC-SHA1'],
    ['getClientId() answering a number', token({ getClientId: () => 42 }), 'HMAC-SHA1'],
    ['getClientId() that forgot to return', token({ getClientId: () => undefined }), 'HMAC-SHA1'],
    ['getClientSecret() answering a promise', client({ getClientSecret: async () => 'cs' }), 'HMAC-SHA1'],
    ['getClientSecret() answering a Buffer', client({ getClientSecret: () => Buffer.from('cs') }), 'HMAC-SHA1'],
    ['getRsaPublicKey() answering a promise', client({ getRsaPublicKey: async () => PUBLIC_KEY }), 'RSA-SHA1'],
    ['getRsaPublicKey() answering a Buffer', client({ getRsaPublicKey: () => Buffer.from(PUBLIC_KEY) }), 'RSA-SHA1'],
  ])('a model method: %s', async (_what, options, method) => {
    expect(await outcome(protectorWith(options), method)).toBe(UNAVAILABLE);
  });

  it('a token that says it is revoked or expired, and a client without the key, are refused as before', async () => {
    const ok = async (options: Partial<ResourceProtectorOptions>, method = 'HMAC-SHA1') =>
      outcome(protectorWith(options), method);
    expect(await ok(token({ isRevoked: () => true }))).toBe('401 invalid_token');
    expect(await ok(token({ isExpired: () => true }))).toBe('401 invalid_token');
    expect(await ok(token({ isRevoked: () => false, isExpired: () => false, getClientId: () => 'ck' }))).toBe('ok');
    expect(await ok(token({ getClientId: () => 'other' }))).toBe('401 invalid_token');
    expect(await ok(client({ getClientSecret: () => null }))).toBe('400 unsupported_signature_method');
    expect(await ok(client({ getClientSecret: () => undefined }))).toBe('400 unsupported_signature_method');
    expect(await ok(client({ getRsaPublicKey: () => null }), 'RSA-SHA1')).toBe('400 unsupported_signature_method');
    expect(await ok(client({ getRsaPublicKey: () => '' }), 'RSA-SHA1')).toBe('400 unsupported_signature_method');
    expect(await ok(client({ getRsaPublicKey: () => createPublicKey(PUBLIC_KEY) }), 'RSA-SHA1')).toBe('ok');
  });

  it.each<[string, unknown]>([
    ['resolving null (a previous value: absent)', Promise.resolve(null)],
    ['resolving "1" (a previous value: present)', Promise.resolve('1')],
    ['answering null at once', null],
    ['answering "OK" at once', 'OK'],
  ])('a NonceCache %s is a store fault', async (_what, answer) => {
    expect(await outcome(protectorWith({ nonceCache: { setIfAbsent: () => answer as boolean } }))).toBe(UNAVAILABLE);
  });

  it('allowed methods are compared whole', async () => {
    const allowing = (methods: string[]) =>
      protectorWith({ queryClient: () => ({ ...goodClient(), getAllowedSignatureMethods: () => methods }) });
    expect(await outcome(allowing(['HMAC-SHA1']))).toBe('ok');
    expect(await outcome(allowing(['HMAC-SHA1X', 'XHMAC-SHA1']))).toBe('400 unsupported_signature_method');
  });

  it.each([
    ['undefined (a NULL column)', undefined, 'invalid_token'],
    ['null', null, 'invalid_token'],
    ['a number: a store fault', 0, 'temporarily_unavailable'],
    ['a promise (an async method): a store fault', Promise.resolve(''), 'temporarily_unavailable'],
  ])('a token whose secret is %s is refused, not verified with an empty secret', async (_what, secret, code) => {
    const protector = protectorWith({
      queryToken: () => ({ ...goodToken(), getOAuthTokenSecret: () => secret as never }),
    });
    // Signed with the key "cs&": what a token secret of "" would verify.
    const request = { ...requestOf(), authorization: sign({ url: URL, who: { ...WHO, tokenSecret: '' } }).header };
    await expect(Promise.resolve().then(() => protector.verifyNow(request))).rejects.toMatchObject({ code });
  });

  it("an RSA request does not ask for the token's secret, which RSA-SHA1 does not use", async () => {
    const protector = protectorWith({ queryToken: () => ({ ...goodToken(), getOAuthTokenSecret: boom }) });
    expect(await outcome(protector, 'RSA-SHA1')).toBe('ok');
  });
});

describe('access rules read scopes and answers exactly', () => {
  const access = (token: object, rules: AccessRules) =>
    accessOutcome(protectorWith({ queryToken: () => token as TokenCredential }), rules);

  it('scopes stored as one string grant nothing by substring: a store fault', async () => {
    const token = { ...goodToken(), getScopes: () => 'notes:read superadmin' };
    expect(await access(token, { scopes: ['admin'] })).toBe(UNAVAILABLE);
    expect(await access({ ...goodToken(), getScopes: () => ['notes:read', 'superadmin'] }, { scopes: ['admin'] })).toBe(
      '403 insufficient_scope',
    );
    expect(await access({ ...goodToken(), getScopes: () => ['admin'] }, { scopes: ['admin'] })).toBe('ok');
  });

  it.each([
    ['true', true, 'ok'],
    ['false', false, '403 access_denied'],
    ['the string "false"', 'false', UNAVAILABLE],
    ['undefined (it forgot to return)', undefined, UNAVAILABLE],
    ['1', 1, UNAVAILABLE],
  ])('an authorize predicate answering %s', async (_what, answer, expected) => {
    expect(await access(goodToken(), { authorize: () => answer as never })).toBe(expected);
  });

  it('an authorize predicate or a scope lookup answering a thenable whose then() throws: a store fault', async () => {
    const thenable = {
      then() {
        throw new Error('then() threw');
      },
    };
    expect(await access(goodToken(), { authorize: () => thenable as never })).toBe(UNAVAILABLE);
    expect(await access({ ...goodToken(), getScopes: () => thenable }, { scopes: ['admin'] })).toBe(UNAVAILABLE);
    const thenGetterThrows = Object.defineProperty({}, 'then', {
      get() {
        throw new Error('then threw');
      },
    });
    expect(await access(goodToken(), { authorize: () => thenGetterThrows as never })).toBe(UNAVAILABLE);
  });

  it('an authorize predicate that never answers: a third call while two wait is refused without asking it', async () => {
    const protector = protectorWith({ storeTimeoutMs: 20, limits: { storeCallsWaiting: 2 } });
    let asked = 0;
    const authorize = () => (asked++, new Promise<boolean>(() => undefined));
    const check = () => accessOutcome(protector, { authorize });
    expect([await check(), await check(), await check()]).toEqual(Array(3).fill(UNAVAILABLE));
    expect(asked).toBe(2);
  });
});

describe('a store answering a thenable of a promise is waited for as `await` would, under the same timeout', () => {
  /** A non-native thenable that answers `inner` (a promise of the answer), as a store's own promise type might. */
  const thenableOf = <T>(inner: T) => ({ then: (resolve: (value: T) => void) => resolve(inner) });
  const stalled = () => new Promise<never>(() => undefined);

  it('a model at the end of the chain is the answer', async () => {
    const protector = protectorWith({ queryClient: () => thenableOf(Promise.resolve(goodClient())) as never });
    expect(await outcome(protector)).toBe('ok');
    const twice = protectorWith({ queryToken: () => thenableOf(thenableOf(Promise.resolve(goodToken()))) as never });
    expect(await outcome(twice)).toBe('ok');
  });

  it('an inner promise that never settles is a store fault within storeTimeoutMs, never a hang', async () => {
    for (const options of [
      { queryClient: () => thenableOf(stalled()) as never },
      { queryToken: () => thenableOf(stalled()) as never },
    ]) {
      const started = Date.now();
      expect(await outcome(protectorWith({ ...options, storeTimeoutMs: 20 }))).toBe(UNAVAILABLE);
      expect(Date.now() - started).toBeLessThan(2000); // the timeout, not a test's own
    }
    const rules = { authorize: () => thenableOf(stalled()) as never };
    expect(await accessOutcome(protectorWith({ storeTimeoutMs: 20 }), rules)).toBe(UNAVAILABLE);
  });

  it('counts the call as waiting until the end of the chain answers: a third call while two wait is not made', async () => {
    let asked = 0;
    const protector = protectorWith({
      queryClient: () => (asked++, thenableOf(stalled())) as never,
      storeTimeoutMs: 20,
      limits: { storeCallsWaiting: 2 },
    });
    expect([await outcome(protector), await outcome(protector), await outcome(protector)]).toEqual(
      Array(3).fill(UNAVAILABLE),
    );
    expect(asked).toBe(2);
  });

  it('the answer at the end of the chain is held to its type; a thenable answering itself, or whose inner `then` throws, is a fault', async () => {
    expect(await outcome(protectorWith({ queryToken: () => thenableOf(Promise.resolve('tk')) as never }))).toBe(
      UNAVAILABLE,
    );
    // Answering itself, at once (which `await` would loop on) or later: a fault at once, not a wait for the timeout.
    const now: { then: (resolve: (value: unknown) => void) => void } = { then: (resolve) => resolve(now) };
    const later: { then: (resolve: (value: unknown) => void) => void } = {
      then: (resolve) => setImmediate(() => resolve(later)),
    };
    for (const itself of [now, later]) {
      const verifying = protectorWith({ queryClient: () => itself as never }).verifyNow(requestOf());
      await expect(verifying).rejects.toMatchObject({ code: 'temporarily_unavailable', cause: { name: 'TypeError' } });
    }
    const getterThrows = Object.defineProperty({}, 'then', {
      get() {
        throw new Error('then threw');
      },
    });
    const throwsLater = { then: (resolve: (value: unknown) => void) => setImmediate(() => resolve(getterThrows)) };
    expect(await outcome(protectorWith({ queryClient: () => throwsLater as never }))).toBe(UNAVAILABLE);
  });
});

describe('an answer read after storeTimeoutMs is a store fault, though the timeout timer has not run yet', () => {
  /** A promise of `value`, settled by a timer callback that then holds the event loop past the store timeout. */
  const lateAnswer = <T>(value: T, holdMs: number) =>
    new Promise<T>((resolve) =>
      setTimeout(() => {
        const until = performance.now() + holdMs;
        while (performance.now() < until); // a synchronous callback of the application's, as a timer's may be
        resolve(value);
      }, 1),
    );

  it.each<[string, Partial<ResourceProtectorOptions>]>([
    ['the client store', { queryClient: () => lateAnswer(goodClient(), 60) }],
    ['the token store', { queryToken: () => lateAnswer(goodToken(), 60) }],
    // With Redis, a nonce written once the margin derived from the timeout has passed could be a replay's.
    ['the nonce store', { nonceCache: { setIfAbsent: () => lateAnswer(true, 60) } }],
  ])('%s', async (_what, options) => {
    expect(await outcome(protectorWith({ ...options, storeTimeoutMs: 20 }))).toBe(UNAVAILABLE);
    expect(await outcome(protectorWith({ ...options, storeTimeoutMs: 1000 }))).toBe('ok'); // in time, the same answer
  });
});

describe('init() again while calls wait for a store', () => {
  /** A protector's options whose nonce store never answers (`onCall` hears of each call), 20 ms and 2 waiting calls. */
  const stalledOptions = (onCall = () => undefined as unknown) =>
    ({
      queryClient: () => goodClient(),
      queryToken: () => goodToken(),
      nonceCache: { setIfAbsent: () => (onCall(), new Promise<boolean>(() => undefined)) },
      storeTimeoutMs: 20,
      limits: { storeCallsWaiting: 2 },
    }) as ResourceProtectorOptions;

  it('counts them still: a reconfiguration does not let another storeCallsWaiting calls wait on a stalled store', async () => {
    let asked = 0;
    const options = stalledOptions(() => asked++);
    const protector = new ResourceProtector(options);
    expect([await outcome(protector), await outcome(protector)]).toEqual(Array(2).fill(UNAVAILABLE));
    protector.init(options); // a configuration reloaded, the same or another limit
    expect(await outcome(protector)).toBe(UNAVAILABLE);
    protector.init({ ...options, limits: { storeCallsWaiting: 3 } });
    expect([await outcome(protector), await outcome(protector)]).toEqual(Array(2).fill(UNAVAILABLE));
    expect(asked).toBe(3);
  });

  it("counts the access rules' calls still waiting too: they are the same rules after a reconfiguration", async () => {
    let asked = 0;
    const stalled = () => (asked++, new Promise<boolean>(() => undefined));
    const options = { ...stalledOptions(), nonceCache: new MemoryNonceCache() } as ResourceProtectorOptions;
    const protector = new ResourceProtector(options);
    const access = () => accessOutcome(protector, { authorize: stalled });
    expect([await access(), await access()]).toEqual(Array(2).fill(UNAVAILABLE));
    protector.init({ ...options, nonceCache: new MemoryNonceCache() } as ResourceProtectorOptions);
    expect(await access()).toBe(UNAVAILABLE);
    protector.init({ ...options, limits: { storeCallsWaiting: 3 } });
    expect([await access(), await access()]).toEqual(Array(2).fill(UNAVAILABLE));
    expect(asked).toBe(3);
  });

  it('does not count the calls still waiting on the store it replaced against the new one', async () => {
    const options = stalledOptions();
    const protector = new ResourceProtector(options);
    expect([await outcome(protector), await outcome(protector)]).toEqual(Array(2).fill(UNAVAILABLE));
    // The operator moves the nonces to a store that answers: the requests should verify again.
    protector.init({ ...options, nonceCache: new MemoryNonceCache() } as ResourceProtectorOptions);
    expect(await outcome(protector)).toBe('ok');
  });
});
