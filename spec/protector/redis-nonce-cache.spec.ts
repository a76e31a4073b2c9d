/**
 * RedisNonceCache against an in-memory fake of the few Redis commands it uses, on a fake clock: what it sends
 * (one `SET key 1 PX ttl NX` per check, the key and the time to live), what it answers, and which client it
 * closes. spec/replay.spec.ts runs it against a real redis-server (and a Cluster) as well.
 */
import { createHash } from 'node:crypto';
import { RedisNonceCache, type RedisClientLike } from '../../src';

// Only the URL constructor loads ioredis (an optional peer): here it yields fake clients.
jest.mock('ioredis', () => ({ __esModule: true, default: jest.fn() }));
const IORedis = jest.requireMock<{ default: jest.Mock }>('ioredis').default;

/** A clock the fake Redis reads, moved by hand. */
const clock = { now: 1_700_000_000_000 };

type SetArgs = Parameters<RedisClientLike['set']>;

/** `SET key value PX ms NX` as Redis does it, on `clock`; anything else is refused as Redis would. */
class FakeRedis implements RedisClientLike {
  readonly entries = new Map<string, { value: string; expiresAt: number }>();
  readonly sets: SetArgs[] = [];
  quit = jest.fn(() => Promise.resolve('OK'));
  disconnect = jest.fn();
  on = jest.fn();
  /** When set, the next SET fails with it (as a lost connection or a READONLY replica does). */
  failure?: Error;

  set(...args: SetArgs): Promise<string | null> {
    this.sets.push(args);
    const [key, value, px, milliseconds, nx] = args;
    if (this.failure) return Promise.reject(this.failure);
    if (px !== 'PX' || nx !== 'NX' || !Number.isInteger(milliseconds) || milliseconds <= 0) {
      return Promise.reject(new Error('ERR syntax error'));
    }
    const held = this.entries.get(key);
    if (held && held.expiresAt > clock.now) return Promise.resolve(null);
    this.entries.set(key, { value, expiresAt: clock.now + milliseconds });
    return Promise.resolve('OK');
  }
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64url');

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
    expect(redis.sets.map(([k]) => k)).toEqual([`oauth1:nonce:${sha256(key)}`]);
    expect(redis.sets[0][0]).toHaveLength('oauth1:nonce:'.length + 43); // fixed size, whatever the client sent
  });

  it('uses a custom prefix in place of oauth1:nonce:', async () => {
    await new RedisNonceCache(redis, { prefix: 'app:replay:' }).setIfAbsent('k', 300);
    expect(redis.sets.map(([k]) => k)).toEqual([`app:replay:${sha256('k')}`]);
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
  it('sends exactly one SET key 1 PX ttl NX per check', async () => {
    const cache = new RedisNonceCache(redis);
    await cache.setIfAbsent('a', 300);
    await cache.setIfAbsent('a', 300);
    await cache.setIfAbsent('b', 300);
    expect(redis.sets).toEqual([
      [`oauth1:nonce:${sha256('a')}`, '1', 'PX', 300_000, 'NX'],
      [`oauth1:nonce:${sha256('a')}`, '1', 'PX', 300_000, 'NX'],
      [`oauth1:nonce:${sha256('b')}`, '1', 'PX', 300_000, 'NX'],
    ]);
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
    expect(redis.sets.map(([, , , ms]) => ms)).toEqual([milliseconds]);
  });

  it('answers true on first use and false on reuse, key by key', async () => {
    const cache = new RedisNonceCache(redis);
    expect(await cache.setIfAbsent('a', 300)).toBe(true);
    expect(await cache.setIfAbsent('a', 300)).toBe(false);
    expect(await cache.setIfAbsent('b', 300)).toBe(true);
    expect(await cache.setIfAbsent('a', 300)).toBe(false);
  });

  it.each([['QUEUED'], [undefined], ['ok'], [1], [0]])(
    'reads a reply of %p, neither OK nor nil, as a store fault: never as a used nonce',
    async (reply) => {
      const odd: RedisClientLike = { ...redis, set: () => Promise.resolve(reply as string | null) };
      await expect(new RedisNonceCache(odd).setIfAbsent('k', 300)).rejects.toThrow(/SET NX/);
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

  it('rejects when the SET is rejected, with the client’s error (not a silent true or false)', async () => {
    const cache = new RedisNonceCache(redis);
    redis.failure = new Error("READONLY You can't write against a read only replica.");
    await expect(cache.setIfAbsent('k', 300)).rejects.toThrow(/READONLY/);
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

  it('disconnects the client it created when QUIT fails, and still resolves', async () => {
    IORedis.mockImplementation(() => redis);
    redis.quit.mockImplementation(() => Promise.reject(new Error('Connection is closed.')));
    await expect(new RedisNonceCache('redis://localhost').close()).resolves.toBeUndefined();
    expect(redis.disconnect).toHaveBeenCalledTimes(1);
  });
});
