/**
 * RedisNonceCache against an in-memory fake of the two Redis commands it uses, EVALSHA and EVAL of its script, on a
 * fake clock: what it sends (one call per check: the key, an id of the call's own, the time to live), what it
 * answers, and which client it closes. spec/replay.spec.ts runs the script on a real redis-server (and a Cluster) as well, and
 * spec/redis-lost-reply.spec.ts on a connection that drops before its reply.
 */
import { createHash } from 'node:crypto';
import { RedisNonceCache, type RedisClientLike } from '../../src';

// Only the URL constructor loads ioredis (an optional peer): here it yields fake clients.
jest.mock('ioredis', () => ({ __esModule: true, default: jest.fn() }));
const IORedis = jest.requireMock<{ default: jest.Mock }>('ioredis').default;

/** A clock the fake Redis reads, moved by hand. */
const clock = { now: 1_700_000_000_000 };

type Call = [command: 'evalsha' | 'eval', key: string, id: string, milliseconds: number];

/**
 * EVALSHA and EVAL of the cache's script, which this does itself, on `clock`: sets the key to the id unless it is
 * there, and answers 1 when it set it or the key holds that very id, 0 otherwise. EVALSHA answers NOSCRIPT until an
 * EVAL has given it a script of that SHA-1, as a Redis does after a start.
 */
class FakeRedis implements RedisClientLike {
  readonly entries = new Map<string, { value: string; expiresAt: number }>();
  readonly calls: Call[] = [];
  readonly scripts = new Set<string>();
  quit = jest.fn(() => Promise.resolve('OK'));
  disconnect = jest.fn();
  on = jest.fn();
  /** When set, the next call fails with it (as a lost connection or a READONLY replica does). */
  failure?: Error;

  evalsha(sha1: string, keys: number, key: string, id: string, milliseconds: number): Promise<unknown> {
    this.calls.push(['evalsha', key, id, milliseconds]);
    if (this.failure) return Promise.reject(this.failure);
    if (!this.scripts.has(sha1)) return Promise.reject(new Error('NOSCRIPT No matching script. Please use EVAL.'));
    return this.run(keys, key, id, milliseconds);
  }

  eval(script: string, keys: number, key: string, id: string, milliseconds: number): Promise<unknown> {
    this.calls.push(['eval', key, id, milliseconds]);
    if (this.failure) return Promise.reject(this.failure);
    this.scripts.add(createHash('sha1').update(script).digest('hex'));
    return this.run(keys, key, id, milliseconds);
  }

  private run(keys: number, key: string, id: string, milliseconds: number): Promise<number> {
    expect(keys).toBe(1); // one key, which a Cluster routes
    if (!Number.isInteger(milliseconds) || milliseconds <= 0) {
      return Promise.reject(new Error('ERR invalid expire time in set'));
    }
    const held = this.entries.get(key);
    if (held && held.expiresAt > clock.now) return Promise.resolve(held.value === id ? 1 : 0);
    this.entries.set(key, { value: id, expiresAt: clock.now + milliseconds });
    return Promise.resolve(1);
  }
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64url');

/** The keys of the EVALSHA calls, one a check (a first check's EVAL after NOSCRIPT repeats its key). */
const keysChecked = () => redis.calls.filter(([command]) => command === 'evalsha').map(([, key]) => key);

let redis: FakeRedis;
beforeEach(() => {
  redis = new FakeRedis();
  IORedis.mockReset();
});

describe('RedisNonceCache keys', () => {
  it.each([
    ['an empty key', ''],
    ['a short key', 'a'],
    ['a 5,000-character key', 'n'.repeat(5000)],
    ['a key with non-ASCII characters', 'nonce-é€😀'],
    ['a key with the separators of nonceKey', '11:client|5:token|10:1700000000|1:n'],
  ])('stores %s as the prefix and the base64url SHA-256 of its UTF-8 bytes', async (_name, key) => {
    await new RedisNonceCache(redis).setIfAbsent(key, 300);
    expect(keysChecked()).toEqual([`oauth1:nonce:${sha256(key)}`]);
    expect(keysChecked()[0]).toHaveLength('oauth1:nonce:'.length + 43); // fixed size, whatever the client sent
  });

  it('uses a custom prefix in place of oauth1:nonce:', async () => {
    await new RedisNonceCache(redis, { prefix: 'app:replay:' }).setIfAbsent('k', 300);
    expect(keysChecked()).toEqual([`app:replay:${sha256('k')}`]);
  });

  it('keeps caches with different prefixes apart on one Redis, and shares one prefix between instances', async () => {
    const first = new RedisNonceCache(redis, { prefix: 'one:' });
    const other = new RedisNonceCache(redis, { prefix: 'two:' });
    const sameAsFirst = new RedisNonceCache(redis, { prefix: 'one:' });
    expect(await first.setIfAbsent('k', 10)).toBe(true);
    expect(await other.setIfAbsent('k', 10)).toBe(true);
    expect(await sameAsFirst.setIfAbsent('k', 10)).toBe(false); // another instance on the same Redis
  });
});

describe('RedisNonceCache checks', () => {
  it('sends one EVALSHA per check, after an EVAL of the same call where Redis answers NOSCRIPT', async () => {
    const cache = new RedisNonceCache(redis);
    await cache.setIfAbsent('a', 300);
    await cache.setIfAbsent('a', 300);
    await cache.setIfAbsent('b', 300);
    const [first, , second, third] = redis.calls.map(([, , id]) => id); // the EVAL's is asserted to be the first's
    expect(redis.calls).toEqual([
      ['evalsha', `oauth1:nonce:${sha256('a')}`, first, 300_000],
      ['eval', `oauth1:nonce:${sha256('a')}`, first, 300_000],
      ['evalsha', `oauth1:nonce:${sha256('a')}`, second, 300_000],
      ['evalsha', `oauth1:nonce:${sha256('b')}`, third, 300_000],
    ]);
  });

  it('gives each call an id of its own: 19 digits below 2^63, which Redis keeps as an integer', async () => {
    const cache = new RedisNonceCache(redis);
    const other = new RedisNonceCache(new FakeRedis());
    for (let i = 0; i < 1000; i++) await cache.setIfAbsent('k', 300);
    await other.setIfAbsent('k', 300);
    const ids = redis.calls.filter(([command]) => command === 'evalsha').map(([, , id]) => id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(/^[1-9][0-9]{18}$/);
      expect(BigInt(id)).toBeLessThan(2n ** 63n);
    }
    expect(ids).not.toContain((other.client as FakeRedis).calls[0][2]); // one counter for the process
  });

  it.each([
    [301, 301_000],
    [42, 42_000],
    [1.2, 2_000],
    [1.0001, 2_000],
    [1, 1_000],
    [0.2, 1_000],
    [0, 1_000],
    [-5, 1_000],
  ])('keeps a key for %p s as %p ms: whole seconds rounded up, at least one', async (ttlSeconds, milliseconds) => {
    await new RedisNonceCache(redis).setIfAbsent('k', ttlSeconds);
    expect(redis.calls.map(([, , , ms]) => ms)).toEqual([milliseconds, milliseconds]); // EVALSHA, then EVAL
  });

  it('answers true on first use and false on reuse, key by key', async () => {
    const cache = new RedisNonceCache(redis);
    expect(await cache.setIfAbsent('a', 300)).toBe(true);
    expect(await cache.setIfAbsent('a', 300)).toBe(false);
    expect(await cache.setIfAbsent('b', 300)).toBe(true);
    expect(await cache.setIfAbsent('a', 300)).toBe(false);
  });

  it.each([['QUEUED'], [undefined], [null], ['OK'], [' 1'], ['01'], [''], [true], [false], [2], [-1]])(
    'reads a reply of %p, neither 1 nor 0 (as numbers or stringNumbers spells them), as a store fault: never a used nonce',
    async (reply) => {
      const odd: RedisClientLike = Object.assign(new FakeRedis(), { evalsha: () => Promise.resolve(reply) });
      await expect(new RedisNonceCache(odd).setIfAbsent('k', 300)).rejects.toThrow(/nonce script/);
    },
  );

  it('answers true again once the time to live, rounded up, has passed on the Redis clock', async () => {
    const cache = new RedisNonceCache(redis);
    expect(await cache.setIfAbsent('k', 1.5)).toBe(true);
    clock.now += 1_999;
    expect(await cache.setIfAbsent('k', 1.5)).toBe(false);
    clock.now += 1;
    expect(await cache.setIfAbsent('k', 1.5)).toBe(true);
  });

  it('rejects when the script is rejected, with the client’s error (not a silent true or false)', async () => {
    const cache = new RedisNonceCache(redis);
    redis.failure = new Error("READONLY You can't write against a read only replica.");
    await expect(cache.setIfAbsent('k', 300)).rejects.toThrow(/READONLY/);
    expect(redis.calls.map(([command]) => command)).toEqual(['evalsha']); // only NOSCRIPT is sent again as EVAL
  });
});

describe('RedisNonceCache clients', () => {
  it('uses the client it is given, and close() neither quits nor disconnects it', async () => {
    const cache = new RedisNonceCache(redis);
    expect(cache.client).toBe(redis);
    await cache.close();
    expect(redis.quit).not.toHaveBeenCalled();
    expect(redis.disconnect).not.toHaveBeenCalled();
    expect(IORedis).not.toHaveBeenCalled();
  });

  it('creates an ioredis client from a URL: one retry per request, auto-pipelining, errors listened to', () => {
    IORedis.mockImplementation(() => redis);
    const cache = new RedisNonceCache('redis://cache.internal:6380/2', { redisOptions: { connectTimeout: 500 } });
    expect(cache.client).toBe(redis);
    expect(IORedis.mock.calls).toEqual([
      ['redis://cache.internal:6380/2', { maxRetriesPerRequest: 1, enableAutoPipelining: true, connectTimeout: 500 }],
    ]);
    // Without an 'error' listener, ioredis reports every failed reconnection as an unhandled error event.
    expect(redis.on).toHaveBeenCalledWith('error', expect.any(Function));
  });

  it('lets redisOptions override its defaults', () => {
    IORedis.mockImplementation(() => redis);
    new RedisNonceCache('redis://localhost', {
      redisOptions: { maxRetriesPerRequest: 5, enableAutoPipelining: false },
    });
    expect(IORedis.mock.calls[0][1]).toEqual({ maxRetriesPerRequest: 5, enableAutoPipelining: false });
  });

  it('quits the client it created from a URL on close()', async () => {
    IORedis.mockImplementation(() => redis);
    await new RedisNonceCache('redis://localhost').close();
    expect(redis.quit).toHaveBeenCalledTimes(1);
    expect(redis.disconnect).not.toHaveBeenCalled();
  });

  it('disconnects the client it created when Redis does not answer QUIT within a second (a stopped Redis)', async () => {
    IORedis.mockImplementation(() => redis);
    redis.quit.mockImplementation(() => new Promise(() => undefined));
    const started = Date.now();
    await expect(new RedisNonceCache('redis://localhost').close()).resolves.toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(redis.disconnect).toHaveBeenCalledTimes(1);
  });

  it('disconnects the client it created when QUIT fails, and still resolves', async () => {
    IORedis.mockImplementation(() => redis);
    redis.quit.mockImplementation(() => Promise.reject(new Error('Connection is closed.')));
    await expect(new RedisNonceCache('redis://localhost').close()).resolves.toBeUndefined();
    expect(redis.disconnect).toHaveBeenCalledTimes(1);
  });

  // `new RedisNonceCache(process.env.REDIS_URL!)` with the variable unset failed every request (503); set but empty,
  // ioredis connected to localhost:6379 without a word.
  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['the empty string', ''],
    ['a number', 6379],
    ['an object that is no client', { set() {} }],
  ])('refuses %s for a URL or client when made', (_what, redisOrUrl) => {
    expect(() => new RedisNonceCache(redisOrUrl as never)).toThrow(TypeError);
    expect(IORedis).not.toHaveBeenCalled();
  });

  it('refuses a prefix that is not text, and an option of another name, when made', () => {
    expect(() => new RedisNonceCache(redis, { prefix: 5 as never })).toThrow(/prefix must be text/);
    expect(() => new RedisNonceCache(redis, { keyPrefix: 'x:' } as never)).toThrow(
      /Unknown RedisNonceCache option "keyPrefix"; known: prefix, redisOptions/,
    );
  });
});
