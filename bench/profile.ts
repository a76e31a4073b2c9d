/**
 * Where does the bench server spend its time on one route? Starts the bench server with `--cpu-prof`,
 * warms it up, loads one route, stops it and prints the top self-time functions and files of its profile.
 *
 *   npx ts-node --transpile-only bench/profile.ts [open|hmac|rsa|redis] [seconds] [top]
 *   npx ts-node --transpile-only bench/profile.ts --summary <file.cpuprofile> [top]
 *
 * `redis` is HMAC-SHA1 on a server whose nonces are in a private redis-server.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { checkServer, placement, presignRsa, runLoad, startServer, type LoadResult, type Route } from './http';
import { RedisServer } from './support/redis';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  ms: number;
  share: number;
}

const ROOT = join(__dirname, '..');
const where = (url: string) => {
  const path = url.replace(/^file:\/\//, '');
  return path.startsWith('/') ? relative(ROOT, path) : path || '(native)';
};

/**
 * Self time by function (name, file and line) and by file, heaviest first; idle and GC kept apart. With
 * `lastSeconds`, only the samples of the profile's last seconds count (the load run, not start-up).
 */
export function summarize(
  profile: CpuProfile,
  lastSeconds = Infinity,
): { functions: SelfTime[]; files: SelfTime[]; totalMs: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const functions = new Map<string, number>();
  const files = new Map<string, number>();
  const from = profile.endTime - lastSeconds * 1e6;
  let total = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at < from) return;
    const frame = byId.get(id)?.callFrame;
    if (!frame) return;
    total += delta;
    const file = where(frame.url);
    const fn = `${frame.functionName || '(anonymous)'} ${frame.url ? `${file}:${frame.lineNumber + 1}` : ''}`.trim();
    functions.set(fn, (functions.get(fn) ?? 0) + delta);
    const group = frame.url ? file.replace(/^(node_modules\/(?:@[^/]+\/)?[^/]+).*$/, '$1') : fn;
    files.set(group, (files.get(group) ?? 0) + delta);
  });
  const rank = (m: Map<string, number>) =>
    [...m]
      .map(([name, us]) => ({ name, ms: Math.round(us / 100) / 10, share: Math.round((us / total) * 1000) / 10 }))
      .sort((a, b) => b.ms - a.ms);
  return { functions: rank(functions), files: rank(files), totalMs: Math.round(total / 1000) };
}

/** Prints the summary; with `requests` (served in the window), each line's µs of CPU per request too. */
export function printSummary(file: string, top: number, lastSeconds = Infinity, requests?: number): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const { functions, files, totalMs } = summarize(profile, lastSeconds);
  const perRequest = (f: SelfTime) => (requests ? `${((f.ms * 1000) / requests).toFixed(1).padStart(6)} µs/req  ` : '');
  const line = (f: SelfTime) => `  ${f.share.toFixed(1).padStart(5)}%  ${perRequest(f)}${f.name}`;
  console.log(`${file}: ${totalMs} ms sampled`);
  console.log(`\ntop ${top} functions by self time:`);
  for (const f of functions.slice(0, top)) console.log(line(f));
  console.log(`\ntop ${top} files / packages by self time:`);
  for (const f of files.slice(0, top)) console.log(line(f));
}

async function profileRoute(kind: Route | 'redis', seconds: number, top: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-profile-'));
  let run: LoadResult | undefined;
  const redis = kind === 'redis' ? await RedisServer.start() : undefined;
  try {
    const server = await startServer({ nonceStore: redis?.url ?? 'memory', placement: placement(), cpuProfDir: dir });
    const route: Route = kind === 'redis' ? 'hmac' : kind;
    try {
      await checkServer(server);
      const load = async (duration: number) => {
        const headers =
          route === 'rsa' ? await presignRsa(`http://127.0.0.1:${server.port}/guarded`, duration * 7000) : undefined;
        return runLoad(server, route, { connections: 50, duration, headers });
      };
      await load(2);
      run = await load(seconds);
      console.log(`${kind}: ${Math.round(run.rps)} req/s, server ${run.cpuUsPerRequest.server} µs CPU a request`);
    } finally {
      await server.stop();
    }
  } finally {
    await redis?.stop();
  }
  const profile = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!profile) throw new Error(`no profile was written in ${dir}`);
  console.log(`(the last ${run?.seconds ?? seconds} s of the server's profile: the measured run)`);
  printSummary(join(dir, profile), top, run?.seconds ?? seconds, run?.requests);
}

if (require.main === module) {
  const [first = 'hmac', second, third] = process.argv.slice(2);
  const run =
    first === '--summary'
      ? Promise.resolve(printSummary(second, Number(third ?? 25)))
      : profileRoute(first as Route | 'redis', Number(second ?? 5), Number(third ?? 25));
  run.catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
