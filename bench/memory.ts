/**
 * Memory targets of MemoryNonceCache, in a child process of their own with `node --expose-gc` (bench/run.ts
 * starts it): (1) 1,000,000 live nonces, table bytes and the process's heap, external and RSS growth after
 * a full gc; (2) a long stream of unique nonces under an injected clock, heap sampled after gc once the
 * window has passed, which must stay flat. Prints one JSON line (MemoryResults) on stdout.
 */
import { MemoryNonceCache, nonceKey } from '../src';
import { DEFAULTS } from '../src/protector/settings';
import { nonceLifetimeSeconds } from '../src/rfc5849/timestamp-nonce';
import { MB, round } from './support/stats';

export interface MemorySample {
  /** Simulated seconds since the stream started. */
  second: number;
  liveNonces: number;
  tableBytes: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  rss: number;
}

export interface MemoryResults {
  million: {
    nonces: number;
    liveNonces: number;
    tableBytes: number;
    heapUsedDelta: number;
    externalDelta: number;
    rssDelta: number;
    /** The largest of the table, heap + external growth and RSS growth, in MB: what the target checks. */
    measuredMB: number;
    nsPerInsert: number;
  };
  stream: {
    noncesPerSecond: number;
    ttlSeconds: number;
    windows: number;
    inserts: number;
    samples: MemorySample[];
    /** Largest heapUsed + external of the last samples over the first post-window sample's. */
    ratio: number;
    heapUsedRatio: number;
    /** The same as `ratio`, against the first sample after two windows (once the table has settled). */
    settledRatio: number;
  };
}

const gc = (): void => {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('bench/memory.ts needs node --expose-gc');
  collect();
  collect();
};

const snapshot = (): NodeJS.MemoryUsage => (gc(), process.memoryUsage());

/** How long the protector keeps the nonce of a request sent now, with its default window. */
const TTL_SECONDS = nonceLifetimeSeconds(0, 0, DEFAULTS.timestampWindowSeconds);

/** A nonce key as createExistsNonce builds it, for a client and token like the bench app's. */
const key = (i: number, timestamp: number) =>
  nonceKey('bench-hmac-client', 'bench-hmac-token', timestamp, `n${i.toString(36).padStart(16, '0')}`);

function million(count: number): MemoryResults['million'] {
  const now = Date.UTC(2025, 0, 1);
  const before = snapshot();
  const cache = new MemoryNonceCache();
  const timestamp = now / 1000;
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    if (!cache.setIfAbsent(key(i, timestamp), TTL_SECONDS, timestamp))
      throw new Error(`nonce ${i} reported as a replay`);
  }
  const nsPerInsert = Number(process.hrtime.bigint() - started) / count;
  if (cache.setIfAbsent(key(0, timestamp), TTL_SECONDS, timestamp))
    throw new Error('a stored nonce was accepted again');
  const after = snapshot();
  const result = {
    nonces: count,
    liveNonces: cache.size(),
    tableBytes: cache.byteLength,
    heapUsedDelta: after.heapUsed - before.heapUsed,
    externalDelta: after.external - before.external,
    rssDelta: after.rss - before.rss,
    nsPerInsert: round(nsPerInsert, 1),
  };
  const largest = Math.max(result.tableBytes, result.heapUsedDelta + result.externalDelta, result.rssDelta);
  return { ...result, measuredMB: round(largest / MB, 1) };
}

function stream(noncesPerSecond: number, ttlSeconds: number, windows: number): MemoryResults['stream'] {
  let now = Date.UTC(2025, 0, 1);
  const cache = new MemoryNonceCache();
  const samples: MemorySample[] = [];
  const seconds = ttlSeconds * windows;
  const sampleEvery = Math.max(1, Math.round(ttlSeconds / 5));
  let i = 0;
  for (let second = 1; second <= seconds; second++) {
    const timestamp = Math.floor(now / 1000);
    for (let j = 0; j < noncesPerSecond; j++) {
      if (!cache.setIfAbsent(key(i++, timestamp), ttlSeconds, timestamp))
        throw new Error('a fresh nonce reported as a replay');
    }
    now += 1000;
    // Samples start once a whole window (plus a little) has passed: from then on, as many expire as arrive.
    if (second >= ttlSeconds + sampleEvery && second % sampleEvery === 0) {
      const m = snapshot();
      samples.push({
        second,
        liveNonces: cache.size(Math.floor(now / 1000)),
        tableBytes: cache.byteLength,
        heapUsed: m.heapUsed,
        external: m.external,
        arrayBuffers: m.arrayBuffers,
        rss: m.rss,
      });
    }
  }
  const first = samples[0];
  const last = samples.slice(-3);
  const settled = samples.find((s) => s.second >= 2 * ttlSeconds) ?? first;
  const total = (s: MemorySample) => s.heapUsed + s.external;
  return {
    noncesPerSecond,
    ttlSeconds,
    windows,
    inserts: i,
    samples,
    ratio: round(Math.max(...last.map(total)) / total(first), 4),
    heapUsedRatio: round(Math.max(...last.map((s) => s.heapUsed)) / first.heapUsed, 4),
    settledRatio: round(Math.max(...last.map(total)) / total(settled), 4),
  };
}

if (require.main === module) {
  const results: MemoryResults = {
    million: million(Number(process.env.BENCH_MEMORY_NONCES ?? 1_000_000)),
    stream: stream(
      Number(process.env.BENCH_STREAM_RATE ?? 2000),
      TTL_SECONDS,
      Number(process.env.BENCH_STREAM_WINDOWS ?? 4),
    ),
  };
  process.stdout.write(JSON.stringify(results) + '\n');
}
