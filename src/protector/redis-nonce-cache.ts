import { digest } from '../rfc5849/digest';
import type { NonceCache } from './nonce-cache';

/**
 * What the cache needs of a Redis client: an ioredis `Redis` or `Cluster` fits. Declared here, not
 * imported from ioredis, so that applications without the optional ioredis dependency still compile.
 */
export interface RedisClientLike {
  set(key: string, value: string, px: 'PX', milliseconds: number, nx: 'NX'): Promise<string | null>;
  quit(): Promise<unknown>;
  disconnect(): void;
}

export interface RedisNonceCacheOptions {
  /** Prepended to every key; default `oauth1:nonce:`. */
  prefix?: string;
  /** ioredis options for the client created from a URL (ignored for a client you pass in). */
  redisOptions?: Record<string, unknown>;
}

type RedisConstructor = new (
  url: string,
  options: Record<string, unknown>,
) => RedisClientLike & {
  on(event: 'error', listener: () => void): unknown;
};

/**
 * `SET … NX` answers `OK` when it set the key and nil when the key was there. Anything else (a client in `MULTI`
 * answers `QUEUED`, another client library something of its own) says nothing about the nonce: a store fault (503),
 * never read as "already used", which would refuse every request as a replay and tell its client to re-sign.
 */
function firstUse(reply: unknown): boolean {
  if (reply === 'OK') return true;
  if (reply === null) return false;
  throw new TypeError(
    `Redis answered SET NX with ${typeof reply === 'string' ? JSON.stringify(reply) : String(reply)}.`,
  );
}

/**
 * A nonce cache shared by every instance on one Redis (or Redis Cluster): one `SET key 1 NX PX ttl` per
 * check, atomic on the server, so two copies of a request arriving at two instances cannot both pass.
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
   * queues commands only until its first reconnection attempt fails (`maxRetriesPerRequest: 1`), so an
   * outage gives prompt 503s rather than a growing queue, and it reconnects by itself. It pipelines
   * automatically: commands issued close together share one write, which under load costs the server
   * less than a write (and a wake-up of Redis) per request.
   */
  constructor(redis: RedisClientLike | string, options: RedisNonceCacheOptions = {}) {
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
    return this.client.set(this.prefix + digest('sha256', key, 'base64url'), '1', 'PX', ttlMs, 'NX').then(firstUse);
  }

  /** Closes the client if this cache created it. */
  async close(): Promise<void> {
    if (this.ownsClient) await this.client.quit().catch(() => this.client.disconnect());
  }
}
