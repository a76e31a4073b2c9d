import { createExistsNonce, nonceKey } from '../../src/protector/exists-nonce';
import { MemoryNonceCache, NonceCacheFullError } from '../../src/protector/memory-nonce-cache';
import { StoreCalls } from '../../src/protector/store-call';
import { TemporarilyUnavailableError } from '../../src/rfc5849/errors';

describe('nonceKey', () => {
  it('gives different keys to combinations that naive joining would merge', () => {
    const combos: [string, string, number, string][] = [
      ['a:b', 'c', 1, 'n'],
      ['a', 'b:c', 1, 'n'],
      ['a', 'b', 1, 'c:n'],
      ['a1', ':b', 1, 'n'],
      ['a', '1:b', 1, 'n'],
      ['a', 'b', 11, 'n'],
      ['a', 'b1', 1, 'n'],
      ['', '', 1, ''],
      ['1:', '', 1, ''],
    ];
    const keys = combos.map((c) => nonceKey(...c));
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('MemoryNonceCache', () => {
  let now = 1_000_000_000_000;
  /** The protector's clock, in seconds: the cache keeps none of its own. */
  const seconds = () => Math.floor(now / 1000);

  it('answers first use once, then refuses the same key', () => {
    const cache = new MemoryNonceCache();
    expect(cache.setIfAbsent('k', 10, seconds())).toBe(true);
    expect(cache.setIfAbsent('k', 10, seconds())).toBe(false);
    expect(cache.setIfAbsent('other', 10, seconds())).toBe(true);
  });

  it('frees a key once its time to live has passed, and not before', () => {
    const cache = new MemoryNonceCache();
    cache.setIfAbsent('k', 5, seconds());
    now += 4_000;
    expect(cache.setIfAbsent('k', 5, seconds())).toBe(false);
    now += 2_000;
    expect(cache.size(seconds())).toBe(0);
    expect(cache.setIfAbsent('k', 5, seconds())).toBe(true);
    expect(cache.size(seconds())).toBe(1);
  });

  it('size() only counts: a gauge asking about a later second, in milliseconds or NaN expires no nonce', () => {
    const cache = new MemoryNonceCache();
    const t = seconds();
    cache.setIfAbsent('early', 5, t);
    cache.setIfAbsent('late', 50, t);
    expect([cache.size(), cache.size(t + 10), cache.size(t + 100)]).toEqual([2, 1, 0]);
    for (const reading of [Date.now(), NaN, Infinity]) expect(() => cache.size(reading)).toThrow(TypeError);
    // Nothing moved: both are still refused at the second the protector's clock reads, and counted there.
    expect([cache.setIfAbsent('early', 5, t + 1), cache.setIfAbsent('late', 50, t + 1), cache.size()]).toEqual([
      false,
      false,
      2,
    ]);
    expect(cache.size(t + 5)).toBe(1); // 'early' expires at its fifth second
  });

  it('when full of live nonces, refuses new ones and forgets none; expired ones make room', () => {
    const cache = new MemoryNonceCache({ capacity: 3 });
    for (const k of ['a', 'b', 'c']) expect(cache.setIfAbsent(k, 10, seconds())).toBe(true);
    expect(() => cache.setIfAbsent('d', 10, seconds())).toThrow(NonceCacheFullError);
    for (const k of ['a', 'b', 'c']) expect(cache.setIfAbsent(k, 10, seconds())).toBe(false);
    now += 11_000;
    expect(cache.setIfAbsent('d', 10, seconds())).toBe(true);
    expect(cache.size(seconds())).toBe(1);
  });

  it.each([[NaN], [0], [-1], [1.5], [Infinity], ['10'], [1_000_000_001]])(
    'refuses a capacity of %p when made: a whole number from 1 to a billion',
    (capacity) => {
      expect(() => new MemoryNonceCache({ capacity: capacity as number })).toThrow(
        /capacity must be a whole number from 1 to 1000000000/,
      );
    },
  );

  it('refuses options that are not { capacity } when made: a number alone, or a misspelt name', () => {
    // Both made a cache of the default capacity (6,000,000) without a word.
    expect(() => new MemoryNonceCache(1000 as never)).toThrow(/MemoryNonceCache option must be an object, not 1000/);
    expect(() => new MemoryNonceCache({ capacty: 1000 } as never)).toThrow(
      /Unknown MemoryNonceCache option "capacty"; known: capacity/,
    );
    expect(() => new MemoryNonceCache({ capacity: '1000' as never })).toThrow(/not "1000"/);
  });

  it.each([
    [NaN, 1_700_000_000],
    [300, NaN],
    [Infinity, 1_700_000_000],
    [300, 2 ** 32], // 2106, or a clock read in milliseconds
    [300, 1_700_000_000_000],
  ])('refuses a lifetime of %p s at %p, never recording the nonce as an empty slot', (ttl, at) => {
    const cache = new MemoryNonceCache();
    expect(() => cache.setIfAbsent('k', ttl, at)).toThrow(TypeError);
    expect(cache.setIfAbsent('k', 10, 1_700_000_000)).toBe(true);
    expect(cache.setIfAbsent('k', 10, 1_700_000_000)).toBe(false);
  });

  it('keeps a nonce whose expiry is past what a slot holds until then, rather than wrapping it round to expired', () => {
    const cache = new MemoryNonceCache();
    // 1.7e9 + 2.6e9 is past 2^32: wrapped round, it would be second 5,032,704, long gone.
    expect(cache.setIfAbsent('k', 2.6e9, 1_700_000_000)).toBe(true);
    expect(cache.setIfAbsent('k', 2.6e9, 1_700_000_000)).toBe(false);
    expect(cache.setIfAbsent('k', 2.6e9, 1_800_000_000)).toBe(false);
  });

  it('counts the nonces of a clock that starts at second 0 as they expire', () => {
    const cache = new MemoryNonceCache({ capacity: 10 });
    for (let i = 0; i < 10; i++) expect(cache.setIfAbsent(`k${i}`, 5, 0)).toBe(true);
    expect(cache.size(1000)).toBe(0);
    expect(cache.setIfAbsent('fresh', 5, 1000)).toBe(true);
  });

  it('keeps apart keys that differ only where UTF-8 would merge them (lone surrogates)', () => {
    const cache = new MemoryNonceCache();
    for (const k of ['\ud800', '\udfff', '\ufffd', 'n\ud83d', 'n\ufffd'])
      expect(cache.setIfAbsent(k, 10, seconds())).toBe(true);
    expect(cache.size(seconds())).toBe(5);
  });

  it('grows to hold many live nonces and still knows every one of them', () => {
    const cache = new MemoryNonceCache({ capacity: 60_000 });
    let firstUses = 0;
    for (let i = 0; i < 50_000; i++) if (cache.setIfAbsent(`n${i}`, 600, seconds())) firstUses++;
    let replaysAccepted = 0;
    for (let i = 0; i < 50_000; i++) if (cache.setIfAbsent(`n${i}`, 600, seconds())) replaysAccepted++;
    expect([firstUses, replaysAccepted, cache.size(seconds())]).toEqual([50_000, 0, 50_000]);
    // 12 bytes a slot, at most 1 / 0.7 slots per nonce of capacity
    expect(cache.byteLength).toBeLessThanOrEqual(Math.ceil(60_000 / 0.7) * 12);
  });

  it('reaches its final size within the first window of a steady stream, then never grows nor rebuilds', () => {
    const ttl = 20;
    const rebuild = jest.spyOn(MemoryNonceCache.prototype as unknown as { rebuild(now: number): void }, 'rebuild');
    try {
      for (const rate of [400, 1_000, 1_500, 1_600]) {
        const cache = new MemoryNonceCache({ capacity: 100_000 });
        const sizes: number[] = [];
        let refused = 0;
        let n = 0;
        let rebuildsAfterFirstWindow = 0;
        for (let second = 0; second < 6 * ttl; second++) {
          const before = rebuild.mock.calls.length;
          for (let i = 0; i < rate; i++) if (!cache.setIfAbsent(`r${rate}-${n++}`, ttl, seconds())) refused++;
          expect(cache.size(seconds())).toBeLessThanOrEqual(rate * ttl);
          if (second >= ttl) rebuildsAfterFirstWindow += rebuild.mock.calls.length - before;
          if (second >= ttl - 1) sizes.push(cache.byteLength); // from the end of the first window on
          now += 1_000;
        }
        expect(refused).toBe(0);
        // As the window ends, the last growth's old table (half the size) may still be held until its entries moved.
        const table = sizes[sizes.length - 1];
        expect([rate, ...new Set(sizes)]).toEqual(sizes[0] === table ? [rate, table] : [rate, 1.5 * table, table]);
        // Expired entries are removed a few slots a call: none is left for a rebuild to drop all at once.
        expect([rate, rebuildsAfterFirstWindow]).toEqual([rate, 0]);
      }
    } finally {
      rebuild.mockRestore();
    }
  });

  it('treats a nonce whose entry expired as new, in place, without growing', () => {
    const cache = new MemoryNonceCache();
    cache.setIfAbsent('again', 1, seconds());
    const bytes = cache.byteLength;
    for (let round = 0; round < 5_000; round++) {
      now += 2_000;
      expect(cache.setIfAbsent('again', 1, seconds())).toBe(true);
    }
    expect(cache.byteLength).toBe(bytes);
    expect(cache.size(seconds())).toBe(1);
  });
});

describe('MemoryNonceCache against a plain map of nonces, through its rebuilds', () => {
  /** A seeded generator (mulberry32), so that a failure replays. */
  const random = (seed: number) => () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  it.each([
    ['room to spare', 1, 100_000, 30_000],
    ['often full', 2, 3_000, 6_000],
    ['a few keys, reused as they expire', 3, 100_000, 1_500],
  ])('answers as the map does (%s)', (_case, seed, capacity, keys) => {
    const next = random(seed);
    const cache = new MemoryNonceCache({ capacity });
    const expiry = new Map<string, number>();
    // The map's own count of live nonces, by the second they expire.
    const expiring = new Map<number, number>();
    let live = 0;
    let second = 1_000_000;
    const differences: string[] = [];
    // The table grows, and expired entries are removed one by one, or all at once when it fills: count both.
    const internals = MemoryNonceCache.prototype as unknown as {
      rebuild(now: number): void;
      remove(slot: number): void;
    };
    const rebuild = jest.spyOn(internals, 'rebuild');
    const remove = jest.spyOn(internals, 'remove');
    for (let call = 0; call < 150_000 && differences.length < 5; call++) {
      if (next() < 0.002) {
        const until = second + 1 + Math.floor(next() * 4);
        while (second < until) live -= expiring.get(++second) ?? 0;
      }
      const key = `n${Math.floor(next() * keys)}`;
      const ttl = 1 + Math.floor(next() * 30);
      const expected = (expiry.get(key) ?? 0) > second ? false : live >= capacity ? 'full' : true;
      let answer: boolean | 'full';
      try {
        answer = cache.setIfAbsent(key, ttl, second);
      } catch (error) {
        if (!(error instanceof NonceCacheFullError)) throw error;
        answer = 'full';
      }
      if (answer !== expected) differences.push(`call ${call}, ${key} at ${second}: ${answer}, the map ${expected}`);
      if (expected === true) {
        expiry.set(key, second + ttl);
        expiring.set(second + ttl, (expiring.get(second + ttl) ?? 0) + 1);
        live++;
      }
    }
    const [rebuilds, removals] = [rebuild.mock.calls.length, remove.mock.calls.length];
    rebuild.mockRestore();
    remove.mockRestore();
    expect(differences).toEqual([]);
    expect(cache.size(second)).toBe(live);
    expect([rebuilds >= 2, removals > 10_000]).toEqual([true, true]);
  });
});

describe('createExistsNonce', () => {
  it('records a nonce per client, token and timestamp, for the lifetime the protector gives', async () => {
    const calls: [string, number, number][] = [];
    const cache = new MemoryNonceCache();
    const exists = createExistsNonce({
      setIfAbsent: (key, ttl, now) => (calls.push([key, ttl, now]), cache.setIfAbsent(key, ttl, now)),
    });
    const lifetime = { ttlSeconds: 301, nowSeconds: 1000 };
    expect(await exists('n', 1000, 'c', 't', lifetime)).toBe(false);
    expect(await exists('n', 1000, 'c', 't', lifetime)).toBe(true);
    expect(await exists('n', 1000, 'c', 't2', lifetime)).toBe(false);
    expect(await exists('n', 1001, 'c', 't', lifetime)).toBe(false);
    expect(calls[0].slice(1)).toEqual([301, 1000]);
  });
});

describe('StoreCalls', () => {
  const calls = (timeoutMs = 50, mostWaiting = 10) => new StoreCalls(timeoutMs, mostWaiting);

  it('passes values through, a synchronous answer synchronously (no timer)', async () => {
    expect(calls().run({}, () => 42)).toBe(42);
    await expect(calls().run({}, async () => 'x')).resolves.toBe('x');
  });

  it.each([
    [
      'throws',
      () => {
        throw new Error('down');
      },
    ],
    ['rejects', () => Promise.reject(new Error('down'))],
    ['never answers', () => new Promise(() => undefined)],
    [
      'answers a thenable whose then() throws',
      () => ({
        then() {
          throw new Error('then() threw');
        },
      }),
    ],
  ])('turns a store that %s into temporarily_unavailable', async (_case, call) => {
    await expect(Promise.resolve().then(() => calls().run({}, call))).rejects.toBeInstanceOf(
      TemporarilyUnavailableError,
    );
  });

  it('counts a call as waiting until the store answers, its timeout passed or not', async () => {
    const store = calls(20, 10);
    let answer: (value: string) => void = () => undefined;
    const timedOut = store.run({}, () => new Promise<string>((resolve) => (answer = resolve)));
    await expect(timedOut).rejects.toBeInstanceOf(TemporarilyUnavailableError);
    expect(store.waiting).toBe(1);
    answer('late');
    await Promise.resolve();
    expect(store.waiting).toBe(0);
    await expect(store.run({}, () => Promise.reject(new Error('down')))).rejects.toThrow();
    expect(store.waiting).toBe(0);
    const thenable = {
      then: () => {
        throw new Error('then() threw');
      },
    };
    await expect(store.run({}, () => thenable)).rejects.toThrow();
    expect(store.waiting).toBe(0);
    const answersThenThrows = {
      then: (answer?: ((value: number) => unknown) | null): PromiseLike<never> => {
        answer?.(1);
        throw new Error('then() threw after answering');
      },
    } as PromiseLike<number>;
    await expect(store.run({}, () => answersThenThrows)).resolves.toBe(1);
    expect(store.waiting).toBe(0);
  });

  it('refuses at once, without calling the store, while mostWaiting calls wait for its answer', async () => {
    const store = calls(20, 2);
    const answers: (() => void)[] = [];
    const stalled = () => new Promise<number>((resolve) => answers.push(() => resolve(1)));
    const waiting = [store.run({}, stalled), store.run({}, stalled)];
    await Promise.allSettled(waiting);
    const call = jest.fn(() => 3);
    expect(() => store.run({}, call)).toThrow(TemporarilyUnavailableError);
    expect(call).not.toHaveBeenCalled();
    answers.forEach((answer) => answer());
    await Promise.resolve();
    expect(store.run({}, call)).toBe(3);
  });
});
