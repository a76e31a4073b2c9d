/**
 * `npm run bench`: the performance issues' benchmark suite. Measures every target side by side in one run,
 * prints the table, writes bench/results/latest.json and latest.svg, and refreshes docs/benchmarks.md's
 * results.
 *
 * Exit code: 0 when the bench ran, whether or not targets pass (a miss is printed as FAIL); 2 when the load
 * was not real (errors, refusals, nothing served); 1 when the bench itself broke, or under CI=true when a
 * target could not be measured (no redis-server).
 *
 * Settings (environment): BENCH_ROUNDS (5), BENCH_DURATION seconds per load run (3), BENCH_CONNECTIONS (50),
 * BENCH_WARMUP seconds (2), BENCH_RSA_REQUESTS per RSA run (4000), BENCH_MICRO_ROUNDS (11), BENCH_PIN=0 (do
 * not pin the server to a CPU), BENCH_NODE24 (a Node 24 binary, or 0 for none; default `npx -y node@24`),
 * BENCH_DEMO=0 (no `npm run demo` against passport-http-oauth), BENCH_CPU_PROF=<dir> (V8 CPU profiles of the
 * bench servers, see bench/profile.ts).
 */
import { cpus, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { allocationLine, ALLOCATION_NODE_FLAGS, type AllocationResults } from './allocation';
import { nodeBinaries, runDemoComparison, runEndToEnd, type DemoResults, type EndToEndResults } from './e2e';
import { LoadNotRealError, TURN_WARMUP_SECONDS, type LoadResult } from './http';
import type { MemoryResults } from './memory';
import { runMicro, runScaling, TYPICAL_URL, type CaseTimes } from './micro';
import { shortfall, target, textTable, writeOutputs, type Machine, type Target, noteOf } from './report';
import { runBenchChild } from './support/child';
import { RedisServer, redisServerPath } from './support/redis';
import { round } from './support/stats';
import { demoTargets, floorTargets, peerTargets } from './targets';

const setting = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};

const config = {
  rounds: setting('BENCH_ROUNDS', 5),
  duration: setting('BENCH_DURATION', 3),
  connections: setting('BENCH_CONNECTIONS', 50),
  warmupSeconds: setting('BENCH_WARMUP', 2),
  turnWarmupSeconds: setting('BENCH_TURN_WARMUP', TURN_WARMUP_SECONDS),
  rsaRequests: setting('BENCH_RSA_REQUESTS', 4000),
  microRounds: setting('BENCH_MICRO_ROUNDS', 11),
  pipelining: 1,
};

const log = (line: string) => console.log(line);

async function main(): Promise<number> {
  const started = Date.now();
  const machine: Machine = {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cpus: cpus().length,
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    os: `${platform()} ${release()}`,
    node: process.version,
    date: new Date().toISOString(),
  };
  log(`bench: ${machine.cpu} × ${machine.cpus}, Node ${machine.node}, ${machine.date}`);
  log(`settings: ${JSON.stringify(config)}`);

  log('\n[1/5] micro-benchmarks: verifySignature vs raw crypto');
  const micro = runMicro(config.microRounds);
  log(`  HMAC-SHA1 ${micro.hmac.ratio}×, RSA-SHA1 ${micro.rsa.ratio}× (base string ${micro.baseStringBytes} bytes)`);
  log(`  an LTI 1.1 launch ${micro.lti.ratio}× (${micro.lti.parameters} form parameters)`);
  log('[2/5] scaling with query parameters');
  const scaling = runScaling(config.microRounds);
  log(`  ${scaling.points.map((p) => `${p.parameters}: ${p.usPerCall} µs`).join(', ')}`);
  log('[3/5] memory and allocation (child processes)');
  const memory = runBenchChild<MemoryResults>('memory.ts', ['--expose-gc']);
  log(`  1M nonces: ${memory.million.measuredMB} MB; stream ratio ${memory.stream.ratio}`);
  const allocation = runBenchChild<AllocationResults>('allocation.ts', ALLOCATION_NODE_FLAGS);
  const allocated = allocationLine(allocation);
  log(`  ${allocated}`);

  log('[4/5] end to end over loopback HTTP (servers in child processes)');
  const nodes = nodeBinaries(log);
  log(`  servers on ${nodes.map((n) => `${n.name} (${n.version})`).join(' and ')}, Koa and Express`);
  const redisMissing = !redisServerPath();
  const redis = redisMissing ? undefined : await RedisServer.start();
  if (redisMissing) log('  redis-server is not installed: the Redis targets are not measured');
  const options = { ...config, nodes, redisUrl: redis?.url, cpuProfDir: process.env.BENCH_CPU_PROF || undefined, log };
  let e2e: EndToEndResults;
  try {
    e2e = await runEndToEnd(options);
  } finally {
    await redis?.stop();
  }
  let demo: DemoResults | undefined;
  if (process.env.BENCH_DEMO !== '0') {
    log('[5/5] npm run demo against passport-http-oauth (Express), side by side');
    demo = await runDemoComparison(options);
  }

  const point = (n: number) => scaling.points.find((p) => p.parameters === n);
  const targets: Target[] = [
    ...floorTargets(e2e, nodes, !redisMissing),
    ...peerTargets(e2e, nodes),
    ...demoTargets(demo, e2e, nodes),
    ...inProcessTargets('verify-hmac', 'HMAC-SHA1 / raw HMAC', { ...micro.hmac, raw: micro.hmac.rawHmac }, 2),
    ...inProcessTargets('verify-rsa', 'RSA-SHA1 / raw verify', { ...micro.rsa, raw: micro.rsa.rawVerify }, 1.15),
    target({
      id: 'verify-lti',
      title: 'reference: verifySignature of an LTI 1.1 launch / raw HMAC',
      measured: `${(micro.lti.verifySignature.medianNs / 1000).toFixed(2)} vs ${(micro.lti.rawHmac.medianNs / 1000).toFixed(2)} µs`,
      value: micro.lti.ratio,
      unit: '×',
      limit: 2,
      bound: 'max',
      reference: true,
      note:
        `the form path, which the typical request does not take: ${micro.lti.parameters} parameters in a ` +
        `browser-encoded form body, a ${micro.lti.baseStringBytes}-byte base string; the limit is the typical ` +
        `request's, for comparison`,
    }),
    target({
      id: 'memory-million',
      title: 'MemoryNonceCache, 1,000,000 live nonces',
      measured:
        `table ${(memory.million.tableBytes / 2 ** 20).toFixed(1)} MB, heap+external Δ ` +
        `${((memory.million.heapUsedDelta + memory.million.externalDelta) / 2 ** 20).toFixed(1)} MB, ` +
        `RSS Δ ${(memory.million.rssDelta / 2 ** 20).toFixed(1)} MB`,
      value: memory.million.measuredMB,
      unit: 'MB',
      limit: 150,
      bound: 'max',
    }),
    target({
      id: 'memory-flat',
      title: 'Heap under a stream of unique nonces',
      measured: (() => {
        const s = memory.stream.samples;
        const mb = (x: (typeof s)[number]) => ((x.heapUsed + x.external) / 2 ** 20).toFixed(1);
        return `${mb(s[0])} MB at ${s[0].second} s → ${mb(s[s.length - 1])} MB at ${s[s.length - 1].second} s`;
      })(),
      value: memory.stream.ratio,
      unit: '×',
      limit: 1.05,
      bound: 'max',
      note:
        `heapUsed alone ${memory.stream.heapUsedRatio}×; heap + external from the first sample after two windows ` +
        `${memory.stream.settledRatio}×`,
    }),
    target({
      id: 'scaling',
      title: 'Cost per parameter, 1000 vs 100 params',
      measured:
        `${point(1000)?.marginalUsPerParameter?.toFixed(3)} vs ${point(100)?.marginalUsPerParameter?.toFixed(3)} ` +
        `µs a parameter (${point(1000)?.usPerCall.toFixed(0)} µs a call at 1000)`,
      value: scaling.ratio,
      unit: '×',
      limit: 2,
      bound: 'max',
    }),
  ];

  const wallSeconds = (Date.now() - started) / 1000;
  const json = {
    machine,
    config: { ...config, placement: e2e.placement, nodes: e2e.nodes, typicalUrl: TYPICAL_URL },
    wallSeconds: round(wallSeconds, 1),
    targets,
    raw: { endToEnd: e2e, demo, micro, scaling, memory, allocation },
  };
  const written = await writeOutputs(json, targets, machine, wallSeconds, [`${allocated} (bench/allocation.ts).`]);

  log('\n' + textTable(targets));
  const failed = targets.filter((t) => t.status === 'fail');
  for (const t of failed) {
    log(`FAIL ${t.id}: ${t.title}: ${t.measured}; ${shortfall(t)}${t.yardstick ? `; the yardstick misses too` : ''}`);
  }
  const unreachable = targets.filter((t) => t.status === 'out of reach');
  for (const t of unreachable) log(`OUT OF REACH ${t.id}: ${t.title}: ${shortfall(t)}; ${t.outOfReach}`);
  for (const t of targets.filter((x) => x.status === 'not measured')) log(`NOT MEASURED ${t.id}: ${t.note}`);
  log('\nnotes:');
  for (const t of targets.filter((x) => noteOf(x) && x.status !== 'not measured')) log(`  ${t.id}: ${noteOf(t)}`);
  const runs = e2e.rounds.flatMap((r) => Object.values(r).flatMap((byRoute) => Object.values(byRoute)));
  const clientBound = runs.filter((run): run is LoadResult => !!run && run.cpu.client > 0.95);
  if (clientBound.length) {
    log(`note: the load client used over 95% of its core in ${clientBound.length} run(s): their req/s are the`);
    log("      client's, not the server's (the targets above read the server's CPU a request, which is not).");
  }
  for (const t of targets.filter((x) => x.note?.includes('UNSTEADY RUN'))) {
    log(`warning: ${t.title}: the machine's speed changed during the run, so its value means little; see the note`);
  }
  const passed = targets.filter((t) => t.status === 'pass').length;
  const counted = targets.filter((t) => !t.reference).length;
  log(
    `\n${passed} of ${counted} targets pass, ${unreachable.length} out of reach (a floor misses them), ` +
      `${failed.length} fail; wall time ${wallSeconds.toFixed(0)} s`,
  );
  log(`written: ${written.map((f) => f.replace(join(__dirname, '..') + '/', '')).join(', ')}`);
  if (redisMissing && process.env.CI) {
    console.error('bench: redis-server is missing under CI=true: the Redis targets could not be measured');
    return 1;
  }
  return 0;
}

/**
 * `verifySignature` over the raw crypto, and beside it the yardstick: the minimal verifier's signature step on the
 * same request over the same raw crypto.
 */
function inProcessTargets(
  id: string,
  what: string,
  times: { verifySignature: CaseTimes; raw: CaseTimes; minimal: CaseTimes; ratio: number; minimalRatio: number },
  limit: number,
): Target[] {
  const { verifySignature: verify, raw } = times;
  const us = (t: CaseTimes) => (t.medianNs / 1000).toFixed(2);
  const row = { unit: '×' as const, limit, bound: 'max' as const };
  return [
    target({
      ...row,
      id,
      title: `verifySignature ${what}`,
      measured: `${us(verify)} vs ${us(raw)} µs`,
      value: times.ratio,
      ...(times.minimalRatio > limit
        ? {
            yardstick: `the minimal verifier's signature check (bench/support/minimal-verifier.ts) costs ${times.minimalRatio}×`,
          }
        : {}),
    }),
    target({
      ...row,
      id: `${id}-minimal`,
      title: `yardstick: minimal signature check ${what}`,
      measured: `${us(times.minimal)} vs ${us(raw)} µs`,
      value: times.minimalRatio,
      reference: true,
    }),
  ];
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof LoadNotRealError) {
      console.error(`\nbench: THE LOAD WAS NOT REAL, no results written: ${error.message}`);
      process.exit(2);
    }
    console.error('\nbench: the benchmark itself failed, no results written:', error);
    process.exit(1);
  },
);
