/**
 * What a request's code finds in the caches over HTTP, made in process: between two requests the kernel (a system
 * call or more) and Node's HTTP code run on the same core, and the request's code and data come back from the shared
 * cache. bench/kernel-entry.ts and bench/ab.ts time cases after `coldEntry()` (`compare()` with `timeCalls`) and read
 * them against the floor timed the same way.
 */
import type { Case } from '../micro';

/** Four times this machine's 1 MiB second-level cache a core (`getconf LEVEL2_CACHE_SIZE`). */
export const SWEEP_BYTES = 4 * 1024 * 1024;
/** A cache line: the sweep reads one byte of each. */
const LINE = 64;

/** A system call, then one read of every line of `bytes` of memory; answers 0 or 1, for the case's checksum. */
export function coldEntry(bytes = SWEEP_BYTES): () => number {
  const memory = new Uint8Array(bytes);
  return () => {
    let sum = process.cpuUsage().user & 1;
    for (let at = 0; at < memory.length; at += LINE) sum += memory[at];
    return sum & 1;
  };
}

/** A case timed call by call, after `before` (untimed) before each call. */
export interface CallCase extends Case {
  before?: () => number;
}

let sink = 0;

/**
 * A batch's ns a call, each call timed alone after the case's `before` (`coldEntry()` for a cold case): only the call
 * is on the clock, so that the sweep's own time (tens of µs, which move with the machine's memory traffic) is not in
 * the reading. The clock is wall time (`process.hrtime`), where `compare()` reads CPU time by default, whose
 * microsecond steps cannot time one call: a call of a few µs is seldom preempted, and a collection that a call's
 * allocation sets off is in its time, as over HTTP (the collector's helper threads are not).
 */
export function timeCalls({ run, before = () => 0, batch }: CallCase): number {
  let total = 0n;
  for (let i = 0; i < batch; i++) {
    sink += before();
    const start = process.hrtime.bigint();
    sink += run();
    total += process.hrtime.bigint() - start;
  }
  if (sink === 0.5) console.log(sink); // never: keeps `sink` observable
  return Number(total) / batch;
}
