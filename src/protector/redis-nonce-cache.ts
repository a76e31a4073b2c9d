import { createHash } from 'node:crypto';
import type { Cluster, Redis, RedisOptions } from 'ioredis';
import type { NonceCache } from './nonce-cache';

export interface RedisNonceCacheOptions {
  /** Prepended to every key; default `oauth1:nonce:`. */
  prefix?: string;
  /** Options for the client created from a URL (ignored for a client you pass in). */
  redisOptions?: RedisOptions;
}

/**
 * A nonce cache shared by every instance on one Redis (or Redis Cluster): one `SET key 1 NX PX ttl` per
 * check, atomic on the server, so two copies of a request arriving at two instances cannot both pass.
 *
 * Keys are the prefix and a SHA-256 of the (length-prefixed) nonce key: fixed-size, whatever the client
 * sends, and one key per call, so it works on a Cluster too.
 */
export class RedisNonceCache implements NonceCache {
  readonly client: Redis | Cluster;
  private readonly prefix: string;
  private readonly ownsClient: boolean;

  /**
   * `redis`: an ioredis client (or Cluster) you manage, or a `redis://` URL. A client created from a URL
   * queues commands only until its first reconnection attempt fails (`maxRetriesPerRequest: 1`), so an
   * outage gives prompt 503s rather than a growing queue, and it reconnects by itself.
   */
  constructor(redis: Redis | Cluster | string, options: RedisNonceCacheOptions = {}) {
    this.prefix = options.prefix ?? 'oauth1:nonce:';
    this.ownsClient = typeof redis === 'string';
    if (typeof redis === 'string') {
      // Loaded only when a URL is given: ioredis is an optional peer dependency.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const IORedis = require('ioredis') as typeof import('ioredis').default;
      this.client = new IORedis(redis, { maxRetriesPerRequest: 1, ...options.redisOptions });
      this.client.on('error', () => undefined); // a fault shows as 503s; ioredis keeps reconnecting
    } else {
      this.client = redis;
    }
  }

  async setIfAbsent(key: string, ttlSeconds: number): Promise<boolean> {
    const hashed = this.prefix + createHash('sha256').update(key).digest('base64url');
    const ttlMs = Math.max(1, Math.ceil(ttlSeconds)) * 1000;
    return (await this.client.set(hashed, '1', 'PX', ttlMs, 'NX')) === 'OK';
  }

  /** Closes the client if this cache created it. */
  async close(): Promise<void> {
    if (this.ownsClient) await this.client.quit().catch(() => this.client.disconnect());
  }
}
