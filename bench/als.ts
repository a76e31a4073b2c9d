/**
 * `npm run bench:als -- [node binary ...]`: what `currentCredential()`'s AsyncLocalStorage costs a request, on each
 * Node given: the bench server twice per Node, once with the protector's default (`currentCredential: true`) and
 * once with `currentCredential: false`, loaded side by side in alternating rounds on `GET /open` and `GET /guarded`
 * (HMAC-SHA1). Prints the server's CPU time a request (µs) for each, and the difference "on − off" by round.
 *
 *   npm run bench:als -- "$(npx -y node@24 -p process.execPath)"   # this Node and Node 24
 *   npm run bench:als -- "$NODE24 --no-async-context-frame"         # Node 24 with its former storage
 *
 * The servers run on this script's Node and on each binary named, as compiled JavaScript (bench/http.ts); the load
 * client is this process, the same for every server, and server CPU a request does not depend on its speed.
 * Why CPU a request and not req/s: on Node 20 the storage's promise hooks, once any request has entered it, tax every
 * promise of the process, so the open route pays too and the guarded/open ratio hides it (docs/decisions.md).
 * A difference of a few µs drowns when something else runs on the machine, so each run also reads, from
 * /proc/stat, how much CPU neither the server nor the client used meanwhile; the pairs of runs with under 0.1 core
 * of that are summarized apart, as "quiet".
 *
 * Settings (environment): BENCH_ROUNDS (5), BENCH_DURATION seconds a run (5), BENCH_CONNECTIONS (50),
 * BENCH_WARMUP seconds (3), BENCH_PIN=0 (do not pin the servers and the client to separate CPUs), BENCH_DRIVER=express
 * (the Express bench app instead of the Koa one).
 * Exit code: 0 when it ran; 2 when the load was not real (see bench/http.ts); 1 when it broke.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { checkServer, LoadNotRealError, placement, runLoad, startServer, type ServerHandle } from './http';
import { median, ordered, round, signed } from './support/stats';

const setting = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const ROUNDS = setting('BENCH_ROUNDS', 5);
const load = { duration: setting('BENCH_DURATION', 5), connections: setting('BENCH_CONNECTIONS', 50) };
const WARMUP = setting('BENCH_WARMUP', 3);
const DRIVER: 'koa' | 'express' = process.env.BENCH_DRIVER === 'express' ? 'express' : 'koa';

type Route = 'open' | 'hmac';
const ROUTES: Route[] = ['open', 'hmac'];
const ROUTE_NAME: Record<Route, string> = { open: 'GET /open', hmac: 'GET /guarded' };

/** One round's two runs of a route on one Node: server CPU µs a request, on and off, and the busier run's "others". */
interface Pair {
  on: number;
  off: number;
  others: number;
}

/** One Node: its two servers, and a pair of runs by route and round. */
interface NodeUnderTest {
  version: string;
  on: ServerHandle;
  off: ServerHandle;
  pairs: Record<Route, Pair[]>;
}

/** A pair whose runs shared the machine with less than this much of a core counts as quiet. */
const QUIET = 0.1;

const TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

/** CPU time the machine has spent busy, all cores, in µs (steal included: a VM neighbour's time counts too). */
function machineBusyUs(): number {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return ((user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND) * 1e6;
}

/**
 * One run, and how much of a core neither the server nor the load client used meanwhile: what else the machine was
 * doing (another process, the hypervisor), which makes a run's CPU a request unreliable.
 */
async function measuredRun(server: ServerHandle, route: Route): Promise<{ us: number; others: number }> {
  const busyBefore = machineBusyUs();
  const started = process.hrtime.bigint();
  const run = await runLoad(server, route, load);
  const wallUs = Number(process.hrtime.bigint() - started) / 1e3;
  // run.cpu: each side's share of a core over run.seconds.
  const benchUs = (run.cpu.server + run.cpu.client) * run.seconds * 1e6;
  const others = (machineBusyUs() - busyBefore - benchUs) / wallUs;
  return { us: run.cpuUsPerRequest.server, others: Math.max(0, others) };
}

async function main(): Promise<void> {
  // Each argument: a Node binary, optionally followed by its options ("/path/node --no-async-context-frame").
  const binaries = [process.execPath, ...process.argv.slice(2)].map((arg) => arg.split(' ').filter(Boolean));
  const cpus = placement();
  const nodes: NodeUnderTest[] = [];
  const othersAll: number[] = [];
  try {
    for (const [node, ...nodeOptions] of binaries) {
      const server = { nonceStore: 'memory', placement: cpus, node, nodeOptions, driver: DRIVER };
      const on = await startServer(server);
      const off = await startServer({ ...server, currentCredential: false });
      nodes.push({
        version: [on.nodeVersion, ...nodeOptions].join(' '),
        on,
        off,
        pairs: { open: [], hmac: [] },
      });
    }
    console.log(
      `${DRIVER} servers on ${nodes.map((n) => `Node ${n.version}`).join(', ')}; ${ROUNDS} rounds of ${load.duration} s a run, ` +
        `${load.connections} connections, ` +
        (cpus ? `server on CPU ${cpus.server}, client on ${cpus.client}` : 'unpinned'),
    );
    for (const n of nodes) {
      // Also has each "on" server enter the storage, which is what turns Node 20's promise hooks on.
      for (const server of [n.on, n.off]) {
        await checkServer(server);
        for (const route of ROUTES) await runLoad(server, route, { ...load, duration: WARMUP });
      }
    }
    for (let r = 0; r < ROUNDS; r++) {
      for (const n of ordered(nodes, r)) {
        for (const route of ordered(ROUTES, r)) {
          const pair: Pair = { on: 0, off: 0, others: 0 };
          for (const side of ordered(['on', 'off'] as const, r)) {
            const { us, others } = await measuredRun(n[side], route);
            pair[side] = us;
            pair.others = Math.max(pair.others, others);
            othersAll.push(others);
          }
          n.pairs[route].push(pair);
        }
      }
      const line = nodes.flatMap((n) =>
        ROUTES.map((route) => {
          const { on, off, others } = n.pairs[route][r];
          const busy = others < QUIET ? '' : ` (busy ${others.toFixed(2)})`;
          return `${n.version} ${route} ${on.toFixed(1)}/${off.toFixed(1)}${busy}`;
        }),
      );
      console.log(`  round ${r + 1}/${ROUNDS} (µs a request, on/off): ${line.join(', ')}`);
    }
  } finally {
    await Promise.all(nodes.flatMap((n) => [n.on.stop(), n.off.stop()]));
  }

  console.log(
    `\nbusy elsewhere (CPU that neither the server nor the client used) during the runs: ` +
      `median ${median(othersAll).toFixed(2)}, max ${Math.max(...othersAll).toFixed(2)} core`,
  );
  console.log(
    'server CPU µs a request, median of rounds (on = currentCredential: true, the default); ' +
      `quiet: the pairs whose runs had under ${QUIET} core busy elsewhere`,
  );
  for (const n of nodes) {
    for (const route of ROUTES) {
      const summary = (pairs: Pair[]) => {
        if (pairs.length === 0) return 'none';
        const diffs = pairs.map((p) => round(p.on - p.off, 1));
        const on = median(pairs.map((p) => p.on));
        const off = median(pairs.map((p) => p.off));
        const byRound = diffs.map(signed).join(' ');
        return `on ${on.toFixed(1)} off ${off.toFixed(1)} on − off ${signed(median(diffs))} (${byRound})`;
      };
      const pairs = n.pairs[route];
      const quiet = pairs.filter((p) => p.others < QUIET);
      console.log(`  Node ${n.version} ${ROUTE_NAME[route]}`);
      console.log(`    all ${pairs.length} rounds: ${summary(pairs)}`);
      console.log(`    quiet ${quiet.length}: ${summary(quiet)}`);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = error instanceof LoadNotRealError ? 2 : 1;
});
