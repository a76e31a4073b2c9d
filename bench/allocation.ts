/**
 * Bytes allocated a verified request, in process: the Koa and Express guards (`requireOAuth(protector)`, the map stores
 * and the default MemoryNonceCache, on requests made as bench/ab.ts makes them), the minimal verifier
 * (bench/support/minimal-verifier.ts) and one HMAC of the header (the floor's work). Every request has its own nonce.
 *
 * Exact, not sampled: the V8 heap's used bytes (all spaces) after a batch of calls minus before, in a batch during
 * which no garbage collection ran. The process needs young-generation room for a whole batch, so it runs as a child
 * with 64 MB semi-spaces (ALLOCATION_NODE_FLAGS; bench/run.ts starts it so) and prints one JSON line of
 * AllocationResults; `--by-function` prints instead where each case allocates, by function, from V8's sampling heap
 * profiler.
 *
 *   node --min-semi-space-size=64 --max-semi-space-size=64 -r ts-node/register/transpile-only bench/allocation.ts
 *   npx ts-node --transpile-only bench/allocation.ts --by-function [top]    # sampled: no flags needed
 */
import { Session } from 'node:inspector';
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MemoryNonceCache, ResourceProtector } from '../src';
import { requireOAuth as koaGuard } from '../src/koa/require-oauth';
import { requireOAuth as expressGuard } from '../src/express/require-oauth';
import { hmac, hmacKey } from '../src/rfc5849/hmac';
import { HMAC_IDENTITY, HMAC_KEY_TEXT } from './support/identities';
import { minimalVerify } from './support/minimal-verifier';
import {
  expressExchange,
  fakeKoaContext,
  hmacProtectorOptions,
  HMAC_TOKEN,
  NOW,
  signedHeaders,
  type FakeKoaContext,
} from './support/requests';

export interface AllocationResults {
  /** Bytes allocated a call, by case: the median over batches (each batch free of garbage collection). */
  bytes: Record<string, number>;
  batches: number;
  callsPerBatch: number;
}

/** Young-generation room for a batch with no garbage collection: 64 MB semi-spaces. */
export const ALLOCATION_NODE_FLAGS = ['--min-semi-space-size=64', '--max-semi-space-size=64'];

/** The results in one line, for the log and the docs. */
export const allocationLine = ({ bytes }: AllocationResults): string =>
  `bytes allocated a verified request, in process: the Koa guard ${bytes.koa}, the Express guard ${bytes.express}, ` +
  `the minimal verifier ${bytes.minimal}, one HMAC of the header (the floor) ${bytes.floor}`;

const CALLS = 2_000;
const BATCHES = 7;
const WARMUP = 20_000;

/** One case: `prepare` makes the inputs of `count` calls (outside the measured batch), `call` runs the i-th. */
interface AllocationCase {
  name: string;
  prepare(count: number): void;
  call(i: number): void;
}

function cases(): AllocationCase[] {
  // The minimal verifier reads Date.now(): the signed requests are all of NOW (a process of its own).
  Date.now = () => NOW * 1000;
  const protector = new ResourceProtector(hmacProtectorOptions(new MemoryNonceCache()));
  const koa = koaGuard(protector);
  const express = expressGuard(protector);
  const minimal = minimalVerify(HMAC_IDENTITY);
  const key = hmacKey('sha1', Buffer.from(HMAC_KEY_TEXT));
  const next = () => undefined;
  let headers: string[] = [];
  let contexts: FakeKoaContext[] = [];
  let exchanges: { req: IncomingMessage; res: ServerResponse & { locals: { credential?: unknown } } }[] = [];
  const fail = (what: string) => {
    throw new Error(`bench/allocation.ts: ${what} refused a request`);
  };
  return [
    {
      name: 'floor',
      prepare: (count) => (headers = signedHeaders(count)),
      call: (i) => void hmac(key, headers[i], 'base64'),
    },
    {
      name: 'minimal',
      prepare: (count) => (headers = signedHeaders(count)),
      call: (i) => {
        const ok = minimal({
          method: 'GET',
          scheme: 'https',
          host: 'api.example.com',
          target: '/guarded',
          authorization: headers[i],
        });
        if (!ok) fail('the minimal verifier');
      },
    },
    {
      name: 'koa',
      prepare: (count) => {
        contexts = signedHeaders(count).map(fakeKoaContext);
      },
      call: (i) => {
        const ctx = contexts[i];
        void koa(ctx as never, next as never);
        if (ctx.state.credential !== HMAC_TOKEN) fail('the Koa guard');
      },
    },
    {
      name: 'express',
      prepare: (count) => (exchanges = signedHeaders(count).map((header) => expressExchange(header) as never)),
      call: (i) => {
        const { req, res } = exchanges[i];
        void express(req as never, res as never, next);
        if (res.locals.credential !== HMAC_TOKEN) fail('the Express guard');
      },
    },
  ];
}

const heapUsed = () => getHeapSpaceStatistics().reduce((sum, space) => sum + space.space_used_size, 0);

let collections = 0;
new PerformanceObserver((list) => (collections += list.getEntries().length)).observe({ entryTypes: ['gc'] });

/** Lets the gc observer hear of the collections so far (its entries arrive on a later turn). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

/** Bytes a call of one batch, or undefined when a collection ran during it. */
async function batch(c: AllocationCase): Promise<number | undefined> {
  c.prepare(CALLS);
  await settle();
  const before = collections;
  const used = heapUsed();
  for (let i = 0; i < CALLS; i++) c.call(i);
  const bytes = (heapUsed() - used) / CALLS;
  await settle();
  return collections === before ? bytes : undefined;
}

async function warm(c: AllocationCase): Promise<void> {
  c.prepare(WARMUP);
  for (let i = 0; i < WARMUP; i++) c.call(i);
  await settle();
}

export async function measureAllocation(): Promise<AllocationResults> {
  const all = cases();
  for (const c of all) await warm(c);
  const bytes: Record<string, number> = {};
  for (const c of all) {
    const read: number[] = [];
    for (let tries = 0; read.length < BATCHES && tries < 4 * BATCHES; tries++) {
      const b = await batch(c);
      if (b !== undefined) read.push(b);
    }
    if (read.length < BATCHES) throw new Error(`bench/allocation.ts: ${c.name}: garbage collections in every batch`);
    read.sort((a, b) => a - b);
    bytes[c.name] = Math.round(read[BATCHES >> 1]);
  }
  return { bytes, batches: BATCHES, callsPerBatch: CALLS };
}

interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SamplingNode[];
}

/** Where each case allocates, by function (V8's sampling heap profiler, objects collected since included). */
async function byFunction(top: number): Promise<void> {
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params: object = {}) =>
    new Promise<T>((resolve, reject) =>
      session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T))),
    );
  await post('HeapProfiler.enable');
  for (const c of cases()) {
    await warm(c);
    const calls = 50_000;
    c.prepare(calls);
    await post('HeapProfiler.startSampling', {
      samplingInterval: 128,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    for (let i = 0; i < calls; i++) c.call(i);
    const { profile } = await post<{ profile: { head: SamplingNode } }>('HeapProfiler.stopSampling');
    const sizes = new Map<string, number>();
    const walk = (node: SamplingNode) => {
      const { functionName, url, lineNumber } = node.callFrame;
      const where = url.replace(/^.*\/(src|bench|node_modules)\//, '$1/');
      const name = `${functionName || '(anonymous)'} ${where ? `${where}:${lineNumber + 1}` : '(native)'}`;
      if (node.selfSize > 0) sizes.set(name, (sizes.get(name) ?? 0) + node.selfSize);
      node.children.forEach(walk);
    };
    walk(profile.head);
    const total = [...sizes.values()].reduce((a, b) => a + b, 0);
    console.log(`\n${c.name}: about ${Math.round(total / calls)} bytes a call (sampled)`);
    for (const [name, size] of [...sizes].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(`${String(Math.round(size / calls)).padStart(7)}  ${name}`);
    }
  }
  session.disconnect();
}

if (require.main === module) {
  const run = process.argv.includes('--by-function')
    ? byFunction(Number(process.argv[process.argv.indexOf('--by-function') + 1]) || 25)
    : measureAllocation().then((results) => console.log(JSON.stringify(results)));
  run.catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
