import { randomInt } from 'node:crypto';
import { digest } from '../rfc5849/digest';
import type { NonceCache } from './nonce-cache';
import { checkNames } from './settings';

/**
 * What the cache needs of a Redis client: an ioredis `Redis` or `Cluster` fits. Declared here, not
 * imported from ioredis, so that applications without the optional ioredis dependency still compile.
 */
export interface RedisClientLike {
  evalsha(sha1: string, numberOfKeys: number, key: string, id: string, milliseconds: number): Promise<unknown>;
  eval(script: string, numberOfKeys: number, key: string, id: string, milliseconds: number): Promise<unknown>;
  quit(): Promise<unknown>;
  disconnect(): void;
}

/**
 * Records the key with this call's id unless it is there. A key that holds this call's own id is its first use too:
 * a client that lost the reply on a dropped connection sends the call again, which then finds its own write. One key,
 * so a Cluster routes it; GET and SET as Redis 2.6 has them.
 */
const FIRST_USE = `local v = redis.call('GET', KEYS[1])
if not v then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
elseif v == ARGV[1] then
  return 1
else
  return 0
end`;
const FIRST_USE_SHA1 = digest('sha1', FIRST_USE, 'hex');

/**
 * An id per call, no two alike in this process nor likely across processes: a random part drawn once and a counter
 * from a random start, 19 digits below 2^63, which Redis keeps as an integer (16 bytes more a key than the value 1,
 * where a string would take 32 to 48).
 */
const processPart = String(randomInt(100_000_000, 920_000_000));
let counter = randomInt(1_000_000_000, 10_000_000_000);
function nextId(): string {
  if (++counter === 10_000_000_000) counter = 1_000_000_000; // ten digits, wrapping after nine billion calls
  return processPart + String(counter);
}

/** How long `close()` waits for Redis to answer QUIT before it drops the connection. */
const QUIT_WAIT_MS = 1000;

export interface RedisNonceCacheOptions {
  /** Prepended to every key; default `oauth1:nonce:`. */
  prefix?: string;
  /** ioredis options for the client created from a URL (ignored for a client you pass in). */
  redisOptions?: Record<string, unknown>;
}

const REDIS_NONCE_CACHE_OPTION_NAMES = Object.keys({ prefix: true, redisOptions: true } satisfies Record<
  keyof RedisNonceCacheOptions,
  true
>);

type RedisConstructor = new (
  url: string,
  options: Record<string, unknown>,
) => RedisClientLike & {
  on(event: 'error', listener: () => void): unknown;
};

/**
 * The script answers 1 for a first use and 0 for a used nonce (as "1" and "0" on a client with ioredis's
 * `stringNumbers`). Anything else (a client in `MULTI` answers `QUEUED`, another client library something of its own)
 * says nothing about the nonce: a store fault (503), never read as "already used", which would refuse every request as
 * a replay and tell its client to re-sign.
 */
function firstUse(reply: unknown): boolean {
  if (reply === 1 || reply === '1') return true;
  if (reply === 0 || reply === '0') return false;
  throw new TypeError(
    `Redis answered the nonce script with ${typeof reply === 'string' ? JSON.stringify(reply) : String(reply)}.`,
  );
}

/**
 * A nonce cache shared by every instance on one Redis (or Redis Cluster): one script per check (`SET key id PX ttl`
 * unless the key is there), atomic on the server, so two copies of a request arriving at two instances cannot both
 * pass, while a call resent after its reply was lost still finds its own write a first use.
 *
 * Keys are the prefix and a SHA-256 of the (length-prefixed) nonce key: fixed-size, whatever the client
 * sends, and one key per call, so it works on a Cluster too.
 */
export class RedisNonceCache implements NonceCache {
  readonly client: RedisClientLike;
  private readonly prefix: string;
  private readonly ownsClient: boolean;

  /**
   * `redis`: an ioredis client (or Cluster) you manage, or a `redis://` URL. A client created from a URL
   * queues commands while disconnected only until its second failed reconnection attempt (`maxRetriesPerRequest:
   * 1`), so an outage gives 503s (each when the store timeout passes) rather than a growing queue, and it
   * reconnects by itself. It pipelines
   * automatically: commands issued close together share one write, which under load costs the server
   * less than a write (and a wake-up of Redis) per request.
   */
  constructor(redis: RedisClientLike | string, options: RedisNonceCacheOptions = {}) {
    // `new RedisNonceCache(process.env.REDIS_URL!)` with the variable unset made a cache that failed every request
    // (503), and with it empty ('') one on localhost:6379, ioredis's default.
    const client = redis as Partial<RedisClientLike> | string | null | undefined;
    if (typeof client === 'string' ? client === '' : typeof client?.evalsha !== 'function') {
      throw new TypeError('RedisNonceCache needs a redis:// URL, or an ioredis client (Redis or Cluster).');
    }
    checkNames('RedisNonceCache option', options, REDIS_NONCE_CACHE_OPTION_NAMES);
    if (options.prefix !== undefined && typeof options.prefix !== 'string') {
      throw new TypeError('The RedisNonceCache prefix must be text.');
    }
    this.prefix = options.prefix ?? 'oauth1:nonce:';
    this.ownsClient = typeof redis === 'string';
    if (typeof redis === 'string') {
      // Loaded only when a URL is given: ioredis is an optional peer dependency.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const IORedis = (require('ioredis') as { default: RedisConstructor }).default;
      const client = new IORedis(redis, {
        maxRetriesPerRequest: 1,
        enableAutoPipelining: true,
        ...options.redisOptions,
      });
      client.on('error', () => undefined); // a fault shows as 503s; ioredis keeps reconnecting
      this.client = client;
    } else {
      this.client = redis;
    }
  }

  setIfAbsent(key: string, ttlSeconds: number): Promise<boolean> {
    const ttlMs = Math.max(1, Math.ceil(ttlSeconds)) * 1000;
    const redisKey = this.prefix + digest('sha256', key, 'base64url');
    const id = nextId();
    // EVALSHA as a plain command: ioredis's defineCommand cost about 1 µs more a call (docs/decisions.md).
    return this.client.evalsha(FIRST_USE_SHA1, 1, redisKey, id, ttlMs).then(firstUse, (error: unknown) => {
      // A Redis that has not run the script since it started: EVAL runs it and keeps it for the next EVALSHA.
      if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
      return this.client.eval(FIRST_USE, 1, redisKey, id, ttlMs).then(firstUse);
    });
  }

  /**
   * Closes the client if this cache created it: QUIT, or a disconnect when QUIT fails or Redis has not answered it
   * within a second (a stopped Redis never does, and an application's shutdown waited for it for good).
   */
  async close(): Promise<void> {
    if (!this.ownsClient) return;
    let timer: NodeJS.Timeout | undefined;
    const quit = this.client.quit().then(
      () => true,
      () => false,
    );
    const waited = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), QUIT_WAIT_MS)));
    const quitted = await Promise.race([quit, waited]);
    clearTimeout(timer);
    if (!quitted) this.client.disconnect();
  }
}
