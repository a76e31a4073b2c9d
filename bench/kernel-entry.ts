/**
 * What the rest of a request does to the cost of the code after it, in process: the Koa guard, the minimal verifier,
 * the HMAC floor with the nonce recorded and the calibrated floor plus 5 µs of JavaScript, each above the HMAC floor,
 * timed alone, with a system call (`getrusage`, through `process.cpuUsage()`) before every call, and cold: the system
 * call and then a sweep over 4 MiB of memory (bench/support/cold.ts) before every call.
 *
 * A server makes a few system calls a request (read, write, epoll), so over HTTP every request's code runs after
 * one; where the kernel's entry and exit cost the process's TLB (on this VM: `pti=on` without PCID,
 * docs/benchmarks.md), code that touches more memory pays more, which a loop in process does not show. Between two
 * requests Node's HTTP code, the framework and the kernel's network stack run on the same core too, and leave little
 * of the request's code and data in the core's own caches; the sweep stands for them.
 *
 *   npx ts-node --transpile-only bench/kernel-entry.ts [rounds] [sweep KiB]
 *
 * Each call is timed alone (bench/micro.ts's `timeCalls`), without the kernel entry or the sweep before it.
 */
import { coldEntry, kernelEntry, SWEEP_BYTES } from './support/cold';
import { hmacSigner } from './support/fast-sign';
import { hmacSha1Floor, hmacSha1FloorPlus, hmacSha1NonceFloor, FLOOR_PLUS_US } from './support/floors';
import { HMAC_IDENTITY, HMAC_KEY_TEXT } from './support/identities';
import { minimalVerifier } from './support/minimal-verifier';
import {
  fakeKoaContext,
  hmacProtectorOptions,
  HMAC_TOKEN,
  signedHeaders,
  type FakeKoaContext,
} from './support/requests';
import { median } from './support/stats';
import { compare, timeCalls, type CallCase } from './micro';
import { MemoryNonceCache, requireOAuth, ResourceProtector } from '../src';

const BATCH = 5_000;
const WARMUP = 3;

type Middleware = (ctx: never, next: () => unknown) => unknown;
/** Calls `middleware` on a fake Koa context with the next header; `accepted` says whether it let the call through. */
function caller(
  middleware: Middleware,
  header: () => string,
  accepted: (ctx: FakeKoaContext) => boolean,
): () => number {
  return () => {
    const ctx = fakeKoaContext(header());
    middleware(ctx as never, () => undefined);
    if (!accepted(ctx)) throw new Error('a request was refused: the case would time a refusal');
    return 1;
  };
}

function main(): void {
  const rounds = Number(process.argv[2] ?? 11);
  const sweepBytes = process.argv[3] ? Number(process.argv[3]) * 1024 : SWEEP_BYTES;
  const sweep = coldEntry(sweepBytes);
  // Each verifier is called alone, after a kernel entry and cold.
  const calls = 3 * BATCH * (WARMUP + rounds);
  const protector = new ResourceProtector(hmacProtectorOptions(new MemoryNonceCache()));
  // The guard reads https (the fake request's socket is TLS) at NOW; the minimal verifier, written for the bench's
  // plain-http load, reads http at the real clock.
  const signHttp = hmacSigner('http://api.example.com/guarded', HMAC_IDENTITY);
  const now = Math.floor(Date.now() / 1000);
  const httpHeaders = Array.from({ length: calls }, () =>
    Buffer.from(signHttp(undefined, now), 'latin1').toString('latin1'),
  );
  // Each verifier call needs a header of its own (a nonce is used once); the floors may repeat theirs.
  const inTurn = (headers: string[]) => {
    let next = 0;
    return () => headers[next++ % headers.length];
  };
  const floorHeader = inTurn(signedHeaders(BATCH));
  const work: Record<string, () => number> = {
    guard: caller(
      requireOAuth(protector) as Middleware,
      inTurn(signedHeaders(calls)),
      (ctx) => ctx.state.credential === HMAC_TOKEN,
    ),
    minimal: caller(minimalVerifier(HMAC_IDENTITY) as Middleware, inTurn(httpHeaders), (ctx) => ctx.status !== 401),
    'floor+nonce': caller(
      hmacSha1NonceFloor(HMAC_KEY_TEXT) as Middleware,
      inTurn(signedHeaders(calls)),
      (ctx) => ctx.status !== 401,
    ),
    floor: caller(hmacSha1Floor(HMAC_KEY_TEXT) as Middleware, floorHeader, () => true),
    [`floor+${FLOOR_PLUS_US}`]: caller(
      hmacSha1FloorPlus(HMAC_KEY_TEXT, FLOOR_PLUS_US) as Middleware,
      floorHeader,
      () => true,
    ),
  };
  const cases: CallCase[] = Object.entries(work).flatMap(([name, run]) => [
    { name, run, batch: BATCH },
    { name: `${name} after`, run, before: kernelEntry, batch: BATCH },
    { name: `${name} cold`, run, before: sweep, batch: BATCH },
  ]);
  const times = compare(cases, rounds, WARMUP, timeCalls);
  const us = (ns: number) => (ns / 1000).toFixed(2).padStart(6);
  const above = (name: string, floor: string) => median(times[name].ns.map((ns, i) => ns - times[floor].ns[i]));
  console.log(
    `Node ${process.version}, ${rounds} rounds of ${BATCH} calls, each timed alone; ` +
      `cold: after a kernel entry and a sweep of ${sweepBytes / 1024} KiB`,
  );
  console.log('above the HMAC floor    alone   after a kernel entry   cold');
  for (const name of Object.keys(work).filter((name) => name !== 'floor')) {
    const row = [above(name, 'floor'), above(`${name} after`, 'floor after'), above(`${name} cold`, 'floor cold')];
    console.log(`${name.padEnd(22)} ${row.map((value) => `${us(value)} µs`).join('  ')}`);
  }
  const itself = [times.floor.medianNs, times['floor after'].medianNs, times['floor cold'].medianNs];
  console.log(`the floor itself       ${itself.map((value) => `${us(value)} µs`).join('  ')}`);
}

main();
