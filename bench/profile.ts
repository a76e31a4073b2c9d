/**
 * Where does the bench server spend its time on one route? Starts the bench server with `--cpu-prof`,
 * warms it up, loads one route, stops it and prints the top self-time functions and files of its profile.
 *
 *   npx ts-node --transpile-only bench/profile.ts [open|hmac|rsa|redis] [seconds] [top]
 *   npx ts-node --transpile-only bench/profile.ts --summary <file.cpuprofile> [top]
 *   npx ts-node --transpile-only bench/profile.ts compare [hmac|rsa|redis] [seconds] [top] [base]
 *
 * `compare` profiles `base` (`open`, or a floor: `hmac-floor`, `rsa-floor`) and then the route named, and
 * prints what the route costs more than the base, function by function, in µs of self time a request.
 * BENCH_DRIVER=express profiles the Express bench app; BENCH_NODE (a Node binary) runs the server on that Node.
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

interface RouteProfile {
  file: string;
  /** Seconds of the measured run, at the end of the profile. */
  seconds: number;
  requests: number;
}

async function profileRoute(kind: Route | 'redis', seconds: number): Promise<RouteProfile> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-profile-'));
  let run: LoadResult | undefined;
  const redis = kind === 'redis' ? await RedisServer.start() : undefined;
  try {
    const driver = process.env.BENCH_DRIVER === 'express' ? 'express' : 'koa';
    const server = await startServer({
      nonceStore: redis?.url ?? 'memory',
      driver,
      label: `${driver} ${redis ? 'redis' : 'memory'}`,
      placement: placement(),
      cpuProfDir: dir,
      node: process.env.BENCH_NODE,
    });
    const route: Route = kind === 'redis' ? 'hmac' : kind;
    try {
      await checkServer(server);
      const load = async (duration: number) => {
        const headers = route === 'rsa' ? await presignRsa(duration * 7000) : undefined;
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
  return { file: join(dir, profile), seconds: run?.seconds ?? seconds, requests: run?.requests ?? 0 };
}

/** µs of self time per request, by function, in the measured run of a route profile. */
function perRequest(run: RouteProfile): Map<string, number> {
  const profile = JSON.parse(readFileSync(run.file, 'utf8')) as CpuProfile;
  // The transpiled sources live in a fresh temporary folder per run: name them by their path in the repository.
  const name = (f: SelfTime) => f.name.replace(/\S*oauth1-bench-\w+\//, '');
  return new Map(summarize(profile, run.seconds).functions.map((f) => [name(f), (f.ms * 1000) / run.requests]));
}

/** Profiles two routes one after the other and prints what the second costs more, function by function. */
async function compareRoutes(base: Route | 'redis', other: Route | 'redis', seconds: number, top: number) {
  const [a, b] = [perRequest(await profileRoute(base, seconds)), perRequest(await profileRoute(other, seconds))];
  const rows = [...new Set([...a.keys(), ...b.keys()])]
    .map((fn) => ({ fn, a: a.get(fn) ?? 0, b: b.get(fn) ?? 0 }))
    .sort((x, y) => y.b - y.a - (x.b - x.a));
  const total = rows.reduce((sum, r) => sum + r.b - r.a, 0);
  const us = (n: number) => n.toFixed(2).padStart(7);
  console.log(
    `\n${other} over ${base}: ${total.toFixed(1)} µs of self time a request (µs/req: +diff, ${base}, ${other})`,
  );
  for (const r of rows.slice(0, top)) console.log(`${us(r.b - r.a)} ${us(r.a)} ${us(r.b)}  ${r.fn}`);
}

if (require.main === module) {
  const [first = 'hmac', second, third, fourth] = process.argv.slice(2);
  const run =
    first === '--summary'
      ? Promise.resolve(printSummary(second, Number(third ?? 25)))
      : first === 'compare'
        ? compareRoutes(
            (process.argv[6] ?? 'open') as Route,
            (second ?? 'hmac') as Route | 'redis',
            Number(third ?? 5),
            Number(fourth ?? 40),
          )
        : profileRoute(first as Route | 'redis', Number(second ?? 5)).then((r) => {
            console.log(`(the last ${r.seconds} s of the server's profile: the measured run)`);
            printSummary(r.file, Number(third ?? 25), r.seconds, r.requests);
          });
  run.catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
