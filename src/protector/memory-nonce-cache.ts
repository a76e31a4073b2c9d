import { randomBytes } from 'node:crypto';
import type { NonceCache } from './nonce-cache';
import { checkNames, wholeNumber } from './settings';
import { sipHash13, sipHashKey } from './siphash';

export interface MemoryNonceCacheOptions {
  /**
   * Most live nonces held at once; when full, new ones are refused (503) and none is evicted. Default
   * 6,000,000: 20,000 requests a second for a 300 s window, about 103 MB at full size (12 bytes a slot; twice
   * that while a rebuild moves the entries).
   */
  capacity?: number;
}

const MEMORY_NONCE_CACHE_OPTION_NAMES = Object.keys({ capacity: true } satisfies Record<
  keyof MemoryNonceCacheOptions,
  true
>);

export class NonceCacheFullError extends Error {
  constructor() {
    super('The nonce cache is full of live nonces.');
  }
}

const SLOT_WORDS = 3; // the key's 64-bit SipHash (low, high), then the expiry second (0: never used)
const MAX_LOAD = 0.75; // rebuild when live and expired entries fill this share of the slots
// Grow when live entries alone would fill more than this share. Under a steady rate the live count peaks within
// the first window, so the table reaches its final size then; expired entries are removed as calls pass and can
// trigger a rebuild in place only where they outrun that (a near-full cache, or a burst expiring at once).
const GROW_LOAD = 0.5;
const FULL_LOAD = 0.7; // share of the largest table that `capacity` live entries fill: room to reuse expired ones
const INITIAL_SLOTS = 1024;
/** The most live nonces a cache may be asked to hold: its table (12 bytes a slot) stays within what a typed array takes. */
const MAX_CAPACITY = 1_000_000_000;
/** The latest expiry second a slot can hold (February 2106): a later one is kept until then. */
const LAST_SECOND = 0xffffffff;
// Slots a call looks at for expired entries to remove. Under a steady load one entry expires a call and waits half a
// pass of the table to be removed: one slot in 2 × RECLAIM_STEP then holds an expired entry, so with live entries
// below GROW_LOAD the table stays under MAX_LOAD and is never rebuilt for them (docs/decisions.md).
const RECLAIM_STEP = 8;

/**
 * An in-process nonce cache for a single instance: an open-addressing hash table in one typed array,
 * with fixed 12-byte entries whatever the client sends, so a million live nonces take about 25 MB
 * and no object per nonce for the garbage collector.
 *
 * Keys are hashed with SipHash-1-3 under a random key drawn per instance: clients cannot aim nonces at one
 * probe chain. An entry is live until its expiry second; an expired entry is free for reuse in place. Live
 * entries are counted per expiry second, so the count stays exact without visiting the table; expired entries are
 * removed a few slots a call, and the table is rebuilt only to grow, or should they ever fill it, its entries moved
 * into the new table a few slots a call (O(1) per call).
 * Several instances must share a store instead (see the README: Redis).
 */
export class MemoryNonceCache implements NonceCache {
  readonly capacity: number;
  private readonly maxSlots: number;
  private readonly hashKey = sipHashKey(randomBytes(16));
  private readonly hash = new Uint32Array(2);
  private table = new Uint32Array(INITIAL_SLOTS * SLOT_WORDS);
  private slots = INITIAL_SLOTS;
  /** Slots of `table` that are live or expired but not yet removed. */
  private used = 0;
  /**
   * The table a rebuild left, while its live entries move into `table` a few slots a call (until then a nonce may
   * be in either); undefined once they have.
   */
  private draining: Uint32Array | undefined;
  /** The next word of `draining` to move. */
  private drainAt = 0;
  /** Slots of `draining` moved a call: enough to finish before `table` could need a rebuild of its own. */
  private drainStep = 0;
  private live = 0;
  private readonly expiring = new Map<number, number>();
  /** The next slot `reclaim` looks at. */
  private reclaimAt = 0;
  /** The latest second it was told (it keeps no clock of its own: the protector's is the one); -1 before the first. */
  private sweptUpTo = -1;

  constructor(options: MemoryNonceCacheOptions = {}) {
    // `new MemoryNonceCache(1000)` or `{ capacty }` would make a cache of the default capacity without a word.
    checkNames('MemoryNonceCache option', options, MEMORY_NONCE_CACHE_OPTION_NAMES);
    const capacity = options.capacity ?? 6_000_000;
    // NaN (an unset environment variable, read with Number()) would never count as full and the table, never grown,
    // would fill until a probe found no empty slot: a process at 100% CPU. Zero would refuse every request.
    wholeNumber('capacity', capacity, 1, MAX_CAPACITY);
    this.capacity = capacity;
    this.maxSlots = Math.max(INITIAL_SLOTS, Math.ceil(this.capacity / FULL_LOAD));
  }

  /**
   * Live nonces held at `nowSeconds` (by default the latest second it was told). It only counts: a gauge asking about
   * another second moves nothing the cache decides by (a reading in milliseconds would otherwise have expired every
   * nonce, and NaN stopped the cache from ever finding one again).
   */
  size(nowSeconds = this.sweptUpTo): number {
    if (!(nowSeconds < LAST_SECOND)) throw new TypeError('A nonce count is asked for a time in seconds before 2106.');
    let live = this.live;
    for (const [second, count] of this.expiring) if (second <= nowSeconds) live -= count;
    return live;
  }

  /** Bytes held by the table (and by the one a rebuild left, until its entries have moved). */
  get byteLength(): number {
    return this.table.byteLength + (this.draining?.byteLength ?? 0);
  }

  setIfAbsent(key: string, ttlSeconds: number, nowSeconds: number): boolean {
    // A NaN time would be stored as an empty slot, and one from 2106 on (or in milliseconds) as expired already: either
    // way the nonce recorded as never used.
    if (!Number.isFinite(ttlSeconds) || !(nowSeconds < LAST_SECOND)) {
      throw new TypeError('A nonce needs a finite lifetime, and a time in seconds before 2106.');
    }
    const now = this.sweep(nowSeconds);
    this.reclaim(now);
    if (this.draining !== undefined) this.drain(now, this.drainStep);
    sipHash13(this.hashKey, key, this.hash);
    const h0 = this.hash[0];
    const h1 = this.hash[1];
    let found = this.find(this.table, this.slots, h0, h1, now);
    if (found >= 0) return false;
    const old = this.draining;
    if (old !== undefined && this.find(old, old.length / SLOT_WORDS, h0, h1, now) >= 0) return false;
    if (this.live >= this.capacity) throw new NonceCacheFullError();
    const grow = this.slots < this.maxSlots && this.live + 1 > this.slots * GROW_LOAD;
    if (grow || this.used + 1 > this.slots * MAX_LOAD) {
      this.rebuild(now);
      found = this.find(this.table, this.slots, h0, h1, now);
    }
    // Past the last second a slot holds, it would wrap around to an entry already expired.
    const expires = Math.min(now + Math.max(1, Math.ceil(ttlSeconds)), LAST_SECOND);
    // Where a new entry goes: the first expired slot on its probe path, or the empty one.
    this.place(~found, h0, h1, expires);
    this.live++;
    this.expiring.set(expires, (this.expiring.get(expires) ?? 0) + 1);
    return true;
  }

  /**
   * Linear probing: the index of the live entry with this hash, or the one's complement of the slot a
   * new entry should take. Expired entries do not end a probe (a live one may lie beyond them).
   */
  private find(t: Uint32Array, slots: number, h0: number, h1: number, now: number): number {
    let reusable = -1;
    for (let slot = h0 % slots; ; slot = slot + 1 === slots ? 0 : slot + 1) {
      const at = slot * SLOT_WORDS;
      const expires = t[at + 2];
      if (expires === 0) return ~(reusable >= 0 ? reusable : slot);
      if (expires > now) {
        if (t[at] === h0 && t[at + 1] === h1) return slot;
      } else if (reusable < 0) {
        reusable = slot;
      }
    }
  }

  /** Removes the expired entries of the next RECLAIM_STEP slots. */
  private reclaim(now: number): void {
    const t = this.table;
    for (let n = 0; n < RECLAIM_STEP; n++) {
      const slot = this.reclaimAt;
      // Removing moves a later entry into the slot, which may have expired too.
      for (let expires = t[slot * SLOT_WORDS + 2]; expires !== 0 && expires <= now;) {
        this.remove(slot);
        expires = t[slot * SLOT_WORDS + 2];
      }
      this.reclaimAt = slot + 1 === this.slots ? 0 : slot + 1;
    }
  }

  /**
   * Empties a slot without leaving a gap in any probe path: each later entry of its run whose path passes the
   * emptied slot moves back into it, and the slot it left is the next to fill (Knuth's algorithm R).
   */
  private remove(slot: number): void {
    const t = this.table;
    const slots = this.slots;
    let hole = slot;
    for (let next = hole + 1 === slots ? 0 : hole + 1; t[next * SLOT_WORDS + 2] !== 0;) {
      const home = t[next * SLOT_WORDS] % slots;
      // The entry stays when its home lies cyclically in (hole, next]: its path does not pass the hole.
      const stays = hole <= next ? hole < home && home <= next : hole < home || home <= next;
      if (!stays) {
        const to = hole * SLOT_WORDS;
        const from = next * SLOT_WORDS;
        t[to] = t[from];
        t[to + 1] = t[from + 1];
        t[to + 2] = t[from + 2];
        hole = next;
      }
      next = next + 1 === slots ? 0 : next + 1;
    }
    t[hole * SLOT_WORDS + 2] = 0; // empty (the hash words of an empty slot are never read)
    this.used--;
  }

  /** Writes an entry into a slot of the table: the one `find` gave for it. */
  private place(slot: number, h0: number, h1: number, expires: number): void {
    const t = this.table;
    const at = slot * SLOT_WORDS;
    if (t[at + 2] === 0) this.used++;
    t[at] = h0;
    t[at + 1] = h1;
    t[at + 2] = expires;
  }

  /**
   * Starts a table sized for the live entries (doubled, up to the capacity's size, past GROW_LOAD), into which the
   * old one's live entries move over the next calls: moving a million at once kept one call waiting 160 ms.
   */
  private rebuild(now: number): void {
    if (this.draining !== undefined) this.drain(now, Infinity); // never two moves at once
    const old = this.table;
    let slots = this.slots;
    while (slots < this.maxSlots && this.live + 1 > slots * GROW_LOAD) slots = Math.min(slots * 2, this.maxSlots);
    this.table = new Uint32Array(slots * SLOT_WORDS);
    this.slots = slots;
    this.used = 0;
    this.reclaimAt = 0;
    this.draining = old;
    this.drainAt = 0;
    // A call adds one entry besides those moved (at most the live ones): the move must be over in half the calls
    // the new table has before it would fill or grow.
    const untilFull = slots * MAX_LOAD - this.live - 1;
    const untilGrow = slots < this.maxSlots ? slots * GROW_LOAD - this.live - 1 : Infinity;
    const calls = Math.floor(Math.min(untilFull, untilGrow) / 2);
    this.drainStep = calls >= 1 ? Math.ceil(old.length / SLOT_WORDS / calls) : Infinity;
    this.drain(now, this.drainStep);
  }

  /** Moves the live entries of the next `count` slots of the old table into the table. */
  private drain(now: number, count: number): void {
    const old = this.draining as Uint32Array;
    const end = Math.min(old.length, this.drainAt + count * SLOT_WORDS);
    for (let at = this.drainAt; at < end; at += SLOT_WORDS) {
      if (old[at + 2] <= now) continue;
      // Word by word: a subarray per entry would allocate an object for each live nonce.
      const found = this.find(this.table, this.slots, old[at], old[at + 1], now);
      if (found < 0) this.place(~found, old[at], old[at + 1], old[at + 2]);
    }
    this.drainAt = end;
    if (end === old.length) this.draining = undefined;
  }

  /** Advances to `nowSeconds` (never back): live entries whose second has passed stop counting. Returns now. */
  private sweep(nowSeconds: number): number {
    const now = Math.max(this.sweptUpTo, Math.floor(nowSeconds), 0);
    if (now === this.sweptUpTo) return now;
    if (this.sweptUpTo < 0) return (this.sweptUpTo = now); // the first call: nothing to expire
    const expire = (second: number) => {
      this.live -= this.expiring.get(second) ?? 0;
      this.expiring.delete(second);
    };
    if (now - this.sweptUpTo <= this.expiring.size) {
      for (let second = this.sweptUpTo + 1; second <= now; second++) expire(second);
    } else {
      for (const second of [...this.expiring.keys()]) if (second <= now) expire(second);
    }
    this.sweptUpTo = now;
    return now;
  }
}
