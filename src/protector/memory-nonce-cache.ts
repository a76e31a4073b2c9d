import { createHash } from 'node:crypto';
import type { NonceCache } from './nonce-cache';

export interface MemoryNonceCacheOptions {
  /** Most nonces held at once; when full of live nonces, new ones are refused (503), none evicted. */
  capacity?: number;
  /** Clock in milliseconds since the epoch. */
  clock?: () => number;
}

export class NonceCacheFullError extends Error {
  constructor() {
    super('The nonce cache is full of live nonces.');
  }
}

/**
 * An in-process nonce cache for a single instance. Keys are kept as a 128-bit hash (fixed size,
 * whatever the client sends) and expire in per-second buckets rather than one timer each.
 * Several instances must share a store instead (see the README: Redis).
 */
export class MemoryNonceCache implements NonceCache {
  readonly capacity: number;
  private readonly clock: () => number;
  private readonly live = new Set<string>();
  private readonly buckets = new Map<number, string[]>();
  private sweptUpTo: number;

  constructor(options: MemoryNonceCacheOptions = {}) {
    this.capacity = options.capacity ?? 1_000_000;
    this.clock = options.clock ?? Date.now;
    this.sweptUpTo = this.nowSeconds();
  }

  get size(): number {
    return this.live.size;
  }

  setIfAbsent(key: string, ttlSeconds: number): boolean {
    const now = this.nowSeconds();
    this.sweep(now);
    const digest = createHash('sha256').update(key).digest().toString('latin1', 0, 16);
    if (this.live.has(digest)) return false;
    if (this.live.size >= this.capacity) throw new NonceCacheFullError();
    this.live.add(digest);
    // Never at or before the last swept second, even if the clock stepped back.
    const expires = Math.max(now, this.sweptUpTo) + Math.max(1, Math.ceil(ttlSeconds));
    const bucket = this.buckets.get(expires);
    if (bucket) bucket.push(digest);
    else this.buckets.set(expires, [digest]);
    return true;
  }

  private nowSeconds(): number {
    return Math.floor(this.clock() / 1000);
  }

  /** Frees every bucket whose second has passed. */
  private sweep(now: number): void {
    if (now <= this.sweptUpTo) return;
    const free = (second: number) => {
      for (const digest of this.buckets.get(second) ?? []) this.live.delete(digest);
      this.buckets.delete(second);
    };
    if (now - this.sweptUpTo <= this.buckets.size) {
      for (let second = this.sweptUpTo + 1; second <= now; second++) free(second);
    } else {
      for (const second of [...this.buckets.keys()]) if (second <= now) free(second);
    }
    this.sweptUpTo = now;
  }
}
