/**
 * What a request's code finds in the caches over HTTP, made in process: between two requests the kernel (a system
 * call or more) and Node's HTTP code run on the same core, and the request's code and data come back from the shared
 * cache. bench/kernel-entry.ts and bench/ab.ts time cases after `coldEntry()` (bench/micro.ts's `timeCalls`) and read
 * them against the floor timed the same way.
 */
/** Four times this machine's 1 MiB second-level cache a core (`getconf LEVEL2_CACHE_SIZE`). */
export const SWEEP_BYTES = 4 * 1024 * 1024;
/** A cache line: the sweep reads one byte of each. */
const LINE = 64;

/** One entry into the kernel (`getrusage`, through `process.cpuUsage()`); answers 0 or 1, for the case's checksum. */
export const kernelEntry = (): number => process.cpuUsage().user & 1;

/** A kernel entry, then one read of every line of `bytes` of memory; answers 0 or 1, for the case's checksum. */
export function coldEntry(bytes = SWEEP_BYTES): () => number {
  const memory = new Uint8Array(bytes);
  return () => {
    let sum = kernelEntry();
    for (let at = 0; at < memory.length; at += LINE) sum += memory[at];
    return sum & 1;
  };
}
