/**
 * What a request's code finds in the caches over HTTP, made in process: between two requests the kernel (a system
 * call or more) and Node's HTTP code run on the same core, and the request's code and data come back from the shared
 * cache. bench/kernel-entry.ts and bench/ab.ts time cases after `coldEntry()` and read them against the floor after
 * the same, so that its own cost cancels.
 */

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
