/**
 * One owner for the window and the clock: the protector derives each nonce's lifetime from its own
 * settings, so that every documented way of wiring a nonce store refuses a replay anywhere inside the
 * window, whatever the window is.
 */
import {
  createExistsNonce,
  MemoryNonceCache,
  ResourceProtector,
  type ExistsNonce,
  type NonceStoreOptions,
  type OAuthRequest,
  type ResourceProtectorOptions,
} from '../../src';
import { client, token, WHO } from '../support/fixtures';
import { sign } from '../support/sign';

const START = 1_700_000_000;

/** A signed GET made at `timestamp` (seconds). */
function signedAt(timestamp: number): OAuthRequest {
  const url = 'https://api.example.com/items';
  return {
    method: 'GET',
    uri: url,
    secure: true,
    authorization: sign({ url, who: WHO, timestamp }).header,
    query: '',
    body: Buffer.alloc(0),
  };
}

/** A store of one's own, as the README's custom existsNonce: it keeps each nonce as long as it is told. */
function customExistsNonce(): ExistsNonce {
  const until = new Map<string, number>();
  return (nonce, timestamp, clientId, token, { ttlSeconds, nowSeconds }) => {
    const key = JSON.stringify([nonce, timestamp, clientId, token]);
    if ((until.get(key) ?? 0) > nowSeconds) return true;
    until.set(key, nowSeconds + ttlSeconds);
    return false;
  };
}

const WIRINGS: [string, () => Pick<ResourceProtectorOptions, 'nonceCache' | 'existsNonce'>][] = [
  ['nonceCache: new MemoryNonceCache()', () => ({ nonceCache: new MemoryNonceCache() })],
  [
    'existsNonce: createExistsNonce(new MemoryNonceCache())',
    () => ({ existsNonce: createExistsNonce(new MemoryNonceCache()) }),
  ],
  ['a custom existsNonce', () => ({ existsNonce: customExistsNonce() })],
];

describe.each(WIRINGS)('a replay inside the window is refused, with %s', (_wiring, nonceStore) => {
  it.each([30, 300, 600, 3600])('window ±%d s: until the timestamp leaves the window, from either edge', (window) => {
    let now = START * 1000;
    const protector = new ResourceProtector({
      queryClient: () => client,
      queryToken: () => token,
      ...nonceStore(),
      timestampWindowSeconds: window,
      clock: () => now,
    } as ResourceProtectorOptions);
    // A request stamped at the past edge of the window, and one at the future edge.
    for (const timestamp of [START - window, START + window]) {
      const request = signedAt(timestamp);
      now = START * 1000;
      expect(protector.verifyNow(request)).toMatchObject({ clientId: 'ck' });
      // Replayed at every second while its timestamp is still accepted: refused as a used nonce.
      for (now = START * 1000; timestamp + window >= Math.floor(now / 1000); now += 7_000) {
        expect(() => protector.verifyNow(request)).toThrow(expect.objectContaining({ code: 'invalid_nonce' }));
      }
      // Once the timestamp has left the window it is refused for that, never accepted.
      expect(() => protector.verifyNow(request)).toThrow(expect.objectContaining({ code: 'invalid_timestamp' }));
    }
  });
});

describe('the lifetime handed to a nonce store', () => {
  it.each([
    [1000, 502],
    [2500, 504],
  ])(
    'is from the protector window and clock: until the timestamp leaves the window, a second, and the store timeout (%d ms)',
    (storeTimeoutMs, ttlSeconds) => {
      const seen: unknown[] = [];
      const protector = new ResourceProtector({
        queryClient: () => client,
        queryToken: () => token,
        existsNonce: (...args) => (seen.push(args[4]), false),
        timestampWindowSeconds: 600,
        storeTimeoutMs,
        clock: () => START * 1000,
      });
      protector.verifyNow(signedAt(START - 100));
      expect(seen).toEqual([{ ttlSeconds, nowSeconds: START }]);
    },
  );

  it.each([
    ['another window', { timestampWindowSeconds: 600 }],
    ['a store timeout of another whole second', { storeTimeoutMs: 2500 }],
  ])('is the same for every protector on one nonce store: %s is refused at init()', (_what, other) => {
    const cache = new MemoryNonceCache();
    const stores = { queryClient: () => client, queryToken: () => token, clock: () => START * 1000 };
    const first = new ResourceProtector({ ...stores, nonceCache: cache });
    const refused = /protectors sharing a nonce store need the same timestampWindowSeconds and storeTimeoutMs/;
    expect(() => new ResourceProtector({ ...stores, nonceCache: cache, ...other })).toThrow(refused);
    expect(() => new ResourceProtector({ ...stores, existsNonce: createExistsNonce(cache), ...other })).toThrow(
      refused,
    );
    // Re-init() too: the store may hold nonces kept for the old lifetime, and another protector may still use it.
    expect(() => first.init({ ...stores, nonceCache: cache, ...other })).toThrow(refused);
    // The same lifetime in whole seconds; or a store of its own.
    const same = new ResourceProtector({ ...stores, nonceCache: cache, storeTimeoutMs: 800 });
    expect(same.verifyNow(signedAt(START))).toMatchObject({ clientId: 'ck' });
    const own = new ResourceProtector({ ...stores, nonceCache: new MemoryNonceCache(), ...other });
    expect(own.verifyNow(signedAt(START))).toMatchObject({ clientId: 'ck' });
  });

  it('a protector needs exactly one nonce store', () => {
    const stores = { queryClient: () => client, queryToken: () => token };
    expect(() => new ResourceProtector(stores as unknown as ResourceProtectorOptions)).toThrow(/exactly one/);
    const both = { ...stores, nonceCache: new MemoryNonceCache(), existsNonce: customExistsNonce() };
    expect(() => new ResourceProtector(both as unknown as ResourceProtectorOptions)).toThrow(/exactly one/);
  });
});

/** A promise and the function that settles it. */
function held(): { promise: Promise<void>; release: () => void } {
  let release = () => {};
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (error: { code?: string }) => error.code,
  );

describe('the clock, as verification and the nonce store read it', () => {
  const W = 300;

  it("a replay let in during the window's last second, answered late by its stores, is refused", async () => {
    let now = START * 1000;
    let gate: ReturnType<typeof held> | undefined;
    const protector = new ResourceProtector({
      // A database: it answers at once unless the test holds it.
      queryClient: async () => (await gate?.promise, client),
      queryToken: () => token,
      nonceCache: new MemoryNonceCache(),
      timestampWindowSeconds: W,
      clock: () => now,
    });
    const captured = signedAt(START);
    expect(await refusal(protector.verify(captured))).toBe('accepted');
    now = (START + W) * 1000 + 999; // the timestamp's last millisecond inside the window
    expect(await refusal(protector.verify(captured))).toBe('invalid_nonce');
    gate = held();
    const late = refusal(protector.verify(captured)); // through the window check, waiting for its client
    now = (START + W + 1) * 1000 + 1;
    gate.release();
    gate = undefined;
    // Another request moves the cache into the next second, where the captured nonce has expired.
    expect(await refusal(protector.verify(signedAt(START + W + 1)))).toBe('accepted');
    expect(await late).toBe('invalid_timestamp');
  });

  it('a clock stepped back does not let a timestamp that left the window in again', () => {
    let now = START * 1000;
    const protector = new ResourceProtector({
      queryClient: () => client,
      queryToken: () => token,
      nonceCache: new MemoryNonceCache(),
      timestampWindowSeconds: W,
      clock: () => now,
    });
    const captured = signedAt(START - W + 5);
    expect(protector.verifyNow(captured)).toMatchObject({ clientId: 'ck' });
    now = (START + 6) * 1000; // the timestamp has left the window; this request moves the cache on
    expect(protector.verifyNow(signedAt(START + 6))).toMatchObject({ clientId: 'ck' });
    now = (START - 4) * 1000; // stepped back 10 s: by this reading the captured timestamp would be inside again
    expect(() => protector.verifyNow(captured)).toThrow(expect.objectContaining({ code: 'invalid_timestamp' }));
    // Timestamps the latest reading accepts still pass.
    expect(protector.verifyNow(signedAt(START))).toMatchObject({ clientId: 'ck' });
  });

  it('a clock stepped back lets no replay in through another protector that shares the clock and the nonce store', () => {
    let now = START * 1000;
    const clock = () => now;
    const nonceCache = new MemoryNonceCache();
    const options = {
      queryClient: () => client,
      queryToken: () => token,
      nonceCache,
      timestampWindowSeconds: W,
      clock,
    };
    const first = new ResourceProtector(options);
    const second = new ResourceProtector({ ...options, realm: 'other' });
    const captured = signedAt(START - W + 5);
    expect(first.verifyNow(captured)).toMatchObject({ clientId: 'ck' });
    now = (START + 6) * 1000; // the first protector moves the shared cache past the captured nonce's lifetime
    expect(first.verifyNow(signedAt(START + 6))).toMatchObject({ clientId: 'ck' });
    now = (START - 4) * 1000;
    expect(() => second.verifyNow(captured)).toThrow(expect.objectContaining({ code: 'invalid_timestamp' }));
  });

  // Two protectors read one time source through clock functions of their own, as `() => Date.now()` and `Date.now`.
  const STORE_PAIRS: [string, () => [NonceStoreOptions, NonceStoreOptions]][] = [
    ['one MemoryNonceCache', () => ((cache) => [{ nonceCache: cache }, { nonceCache: cache }])(new MemoryNonceCache())],
    [
      'a cache and an existsNonce made on it',
      () => ((cache) => [{ nonceCache: cache }, { existsNonce: createExistsNonce(cache) }])(new MemoryNonceCache()),
    ],
    ['one custom existsNonce', () => ((existsNonce) => [{ existsNonce }, { existsNonce }])(customExistsNonce())],
  ];

  it.each(STORE_PAIRS)(
    'a clock stepped back lets no replay in through another clock function on the same nonce store: %s',
    (_stores, pair) => {
      let now = START * 1000;
      const [firstStore, secondStore] = pair();
      const stores = { queryClient: () => client, queryToken: () => token, timestampWindowSeconds: W };
      const first = new ResourceProtector({ ...stores, ...firstStore, clock: () => now });
      const second = new ResourceProtector({ ...stores, ...secondStore, realm: 'other', clock: () => now });
      const captured = signedAt(START - W + 5);
      expect(first.verifyNow(captured)).toMatchObject({ clientId: 'ck' });
      expect(() => second.verifyNow(captured)).toThrow(expect.objectContaining({ code: 'invalid_nonce' }));
      now = (START + 8) * 1000; // the first protector moves the store past the captured nonce's lifetime
      expect(first.verifyNow(signedAt(START + 8))).toMatchObject({ clientId: 'ck' });
      now = (START - 2) * 1000; // stepped back 10 s: the second protector's clock has read nothing later
      expect(() => second.verifyNow(captured)).toThrow(expect.objectContaining({ code: 'invalid_timestamp' }));
    },
  );

  it('a reading ahead that recorded no nonce leaves no mark; init() with another clock starts from its readings', () => {
    let ahead = (START + 3600) * 1000;
    const options = { queryClient: () => client, queryToken: () => token, nonceCache: new MemoryNonceCache() };
    const protector = new ResourceProtector({ ...options, clock: () => ahead });
    expect(() => protector.verifyNow(signedAt(START))).toThrow(expect.objectContaining({ code: 'invalid_timestamp' }));
    ahead = START * 1000; // the same clock, back: the store was never handed the later second
    expect(protector.verifyNow(signedAt(START))).toMatchObject({ clientId: 'ck' });
    protector.init({ ...options, clock: () => START * 1000 });
    expect(protector.verifyNow(signedAt(START))).toMatchObject({ clientId: 'ck' });
  });

  it('a nonce store handed a second ahead holds it, through init() with another clock too (it fails closed)', () => {
    const options = { queryClient: () => client, queryToken: () => token, nonceCache: new MemoryNonceCache() };
    const protector = new ResourceProtector({ ...options, clock: () => (START + 3600) * 1000 });
    // A client whose clock is as far ahead: its nonce moves the store an hour on, past every nonce recorded before.
    expect(protector.verifyNow(signedAt(START + 3600))).toMatchObject({ clientId: 'ck' });
    protector.init({ ...options, clock: () => START * 1000 });
    expect(() => protector.verifyNow(signedAt(START))).toThrow(expect.objectContaining({ code: 'invalid_timestamp' }));
    expect(protector.verifyNow(signedAt(START + 3600 - W))).toMatchObject({ clientId: 'ck' });
  });

  it.each([
    ['NaN', () => NaN],
    ['Infinity', () => Infinity],
    ['text', () => 'soon' as unknown as number],
    [
      'a throw',
      () => {
        throw new Error('no time');
      },
    ],
  ])('a clock answering %s is a 503, never a request let through or a 500', (_what, clock) => {
    const protector = new ResourceProtector({
      queryClient: () => client,
      queryToken: () => token,
      nonceCache: new MemoryNonceCache(),
      clock,
    });
    const request = signedAt(START);
    for (let i = 0; i < 2; i++) {
      expect(() => protector.verifyNow(request)).toThrow(
        expect.objectContaining({ code: 'temporarily_unavailable', status: 503 }),
      );
    }
  });
});
