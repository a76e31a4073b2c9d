/**
 * What a change to src/ is worth over HTTP: two bench servers side by side, one running src/ at a git revision
 * (default HEAD) and one the working tree's, loaded in alternating rounds on `GET /guarded` and the HMAC floor.
 * `bench/ab.ts` measures a change in process; this measures it where the server charges it (server CPU µs a
 * request, bench/http.ts), which on Express and Node 20 can differ a lot from a hot loop.
 *
 *   npx ts-node --transpile-only bench/ab-http.ts [rev] [rounds]
 *
 * Environment: BENCH_DRIVER=express (default koa), BENCH_NODE (a Node binary for the servers), BENCH_DURATION
 * seconds a run (3), BENCH_CONNECTIONS (50), BENCH_TURN_WARMUP seconds of each side's untimed run before its timed
 * ones in a round (bench/http.ts), BENCH_PIN=0 (do not pin). Prints each round and the medians over
 * rounds of each side's guarded − floor, and of the difference B − A, round by round.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildServer,
  checkServer,
  placement,
  runLoad,
  runTurn,
  startServer,
  TURN_WARMUP_SECONDS,
  type Route,
  type ServerHandle,
} from './http';
import { extractSrc } from './support/revision';
import { median, ordered, signed } from './support/stats';

const load = {
  duration: Number(process.env.BENCH_DURATION ?? 3),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 50),
};
const turnWarmup = Number(process.env.BENCH_TURN_WARMUP ?? TURN_WARMUP_SECONDS);

/** src/ at `rev`, extracted into a temporary folder (removed at exit). */
function checkout(rev: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'oauth1-ab-http-'));
  process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
  extractSrc(rev, folder);
  return folder;
}

async function main(): Promise<void> {
  const rev = process.argv[2] ?? 'HEAD';
  const rounds = Number(process.argv[3] ?? 7);
  const driver = process.env.BENCH_DRIVER === 'express' ? 'express' : 'koa';
  const common = { nonceStore: 'memory', driver, placement: placement(), node: process.env.BENCH_NODE } as const;
  const sides: { name: string; server?: ServerHandle; above: number[]; guarded: number[] }[] = [
    { name: rev, above: [], guarded: [] },
    { name: 'tree', above: [], guarded: [] },
  ];
  try {
    sides[0].server = await startServer({ ...common, build: buildServer(checkout(rev)) });
    sides[1].server = await startServer({ ...common, build: buildServer() });
    const routes: Route[] = ['hmac-floor', 'hmac'];
    for (const side of sides) {
      const server = side.server as ServerHandle;
      await checkServer(server);
      for (const route of routes) await runLoad(server, route, { ...load, duration: 2 });
    }
    console.log(`${driver} on Node ${sides[0].server.nodeVersion}; A = ${rev}, B = the working tree`);
    for (let r = 0; r < rounds; r++) {
      for (const side of ordered(sides, r)) {
        const runs = await runTurn(side.server as ServerHandle, ordered(routes, r), () => load, turnWarmup);
        const us = (route: Route) => runs[route]?.cpuUsPerRequest.server ?? NaN;
        side.guarded.push(us('hmac'));
        side.above.push(us('hmac') - us('hmac-floor'));
      }
      const [a, b] = sides;
      console.log(
        `  round ${r + 1}: guarded − floor A ${a.above[r].toFixed(1)}, B ${b.above[r].toFixed(1)} µs` +
          ` (guarded ${a.guarded[r].toFixed(1)} / ${b.guarded[r].toFixed(1)})`,
      );
    }
  } finally {
    await Promise.all(sides.map((side) => side.server?.stop()));
  }
  const [a, b] = sides;
  const diffs = (pick: (s: (typeof sides)[0]) => number[]) => pick(b).map((value, i) => value - pick(a)[i]);
  const range = (values: number[]) => `${signed(Math.min(...values))} to ${signed(Math.max(...values))}`;
  const above = diffs((s) => s.above);
  const guarded = diffs((s) => s.guarded);
  console.log(`guarded − floor, median: A ${median(a.above).toFixed(1)} µs, B ${median(b.above).toFixed(1)} µs`);
  console.log(`B − A by round: above the floor ${signed(median(above))} µs (${range(above)})`);
  console.log(`B − A by round: guarded route ${signed(median(guarded))} µs (${range(guarded)})`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
