/**
 * End-to-end rounds: every bench server (each Node version × each driver × each nonce store) loaded route by
 * route, side by side in each round, the order of servers and routes reversed every other round; then
 * `npm run demo` beside the peer's own app (passport-http-oauth on Express).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import IORedis from 'ioredis';
import { startListening, stopProcess } from '../spec/support/demo-process';
import { ALICE, sign } from '../spec/support/sign';
import {
  checkServer,
  LoadNotRealError,
  placement,
  presignRsa,
  runLoad,
  runTurn,
  startServer,
  urlOf,
  type LoadResult,
  type LoadTarget,
  type Placement,
  type Route,
  type ServerHandle,
} from './http';
import { ordered } from './support/stats';

/** A Node binary the servers run on. */
export interface NodeBinary {
  /** `Node 20`, `Node 24` */
  name: string;
  version: string;
  path: string;
}

/** This process's Node, and Node 24 (BENCH_NODE24: its path, or `0` to leave it out; else `npx -y node@24`). */
export function nodeBinaries(log: (line: string) => void): NodeBinary[] {
  const major = (version: string) => `Node ${version.slice(1).split('.')[0]}`;
  const nodes: NodeBinary[] = [{ name: major(process.version), version: process.version, path: process.execPath }];
  const wanted = process.env.BENCH_NODE24;
  if (wanted === '0' || process.version.startsWith('v24.')) return nodes;
  const path =
    wanted ||
    spawnSync('npx', ['-y', 'node@24', '-p', 'process.execPath'], {
      encoding: 'utf8',
      timeout: 180_000,
    }).stdout?.trim();
  const version = path ? spawnSync(path, ['-p', 'process.version'], { encoding: 'utf8' }).stdout?.trim() : '';
  if (!version?.startsWith('v24.')) {
    log('  Node 24 could not be had (npx -y node@24): its rows are not measured');
    return nodes;
  }
  return [...nodes, { name: major(version), version, path }];
}

export interface ServerSpec {
  /** e.g. `Node 20 koa memory` */
  label: string;
  node: NodeBinary;
  driver: 'koa' | 'express';
  store: 'memory' | 'redis';
  /** The Express app with the peer's route (and passport-http-oauth loaded). */
  peer?: boolean;
  routes: Route[];
}

/**
 * The servers of a run: each Node × driver with nonces in memory, and in Redis when there is one; and on each
 * Node the Express app with the peer's route. The routes compared are run one right after the other (a floor
 * beside its guarded route), in one order and then the other round by round.
 */
export function serverSpecs(nodes: NodeBinary[], redis: boolean): ServerSpec[] {
  return nodes.flatMap((node) => [
    ...(['koa', 'express'] as const).flatMap((driver) => {
      // The yardsticks (floor + 5 µs of JavaScript, the floor with the nonce recorded, the minimal verifier alone and
      // with the guard's contract) beside the HMAC floor they are read against; the floor with a parameter decorator
      // between the floor and the guarded route it is read against.
      const memory: Route[] = [
        'open',
        'hmac-floor',
        'hmac-floor-plus',
        'hmac-floor-nonce',
        'minimal',
        'minimal-guard',
        'hmac-floor-param',
        'hmac',
        'rsa',
        'rsa-floor',
      ];
      const label = (store: string) => `${node.name} ${driver} ${store}`;
      const specs: ServerSpec[] = [{ label: label('memory'), node, driver, store: 'memory', routes: memory }];
      // The HMAC floor with one Redis command between the floor and the guarded route it bounds.
      const routes: Route[] = ['open', 'hmac-floor', 'hmac-floor-redis', 'hmac'];
      if (redis) specs.push({ label: label('redis'), node, driver, store: 'redis', routes });
      return specs;
    }),
    {
      label: `${node.name} express peer`,
      node,
      driver: 'express' as const,
      store: 'memory' as const,
      peer: true,
      routes: ['open', 'minimal', 'minimal-guard', 'hmac', 'passport'] as Route[],
    },
  ]);
}

export interface EndToEndOptions {
  rounds: number;
  duration: number;
  warmupSeconds: number;
  /** Seconds of the untimed run that opens each server's turn in a round (bench/http.ts, `runTurn`). */
  turnWarmupSeconds: number;
  connections: number;
  /** RSA-signed requests per RSA run (one pre-signed pool a round, sent once to each server). */
  rsaRequests: number;
  nodes: NodeBinary[];
  /** A running redis-server's URL, or undefined to leave the Redis rows unmeasured. */
  redisUrl?: string;
  cpuProfDir?: string;
  log: (line: string) => void;
}

/** One round: each server's runs by route. */
export type Round = Record<string, Partial<Record<Route, LoadResult>>>;

export interface EndToEndResults {
  placement?: Placement;
  nodes: { name: string; version: string }[];
  servers: Omit<ServerSpec, 'node'>[];
  rounds: Round[];
  warmup: LoadResult[];
  /** Keys in Redis after the runs (and those expired), against the requests its guarded runs served. */
  redisKeys?: { keys: number; expired: number; served: number };
}

export async function runEndToEnd(options: EndToEndOptions): Promise<EndToEndResults> {
  const cpus = placement();
  const specs = serverSpecs(options.nodes, options.redisUrl !== undefined);
  const results: EndToEndResults = {
    placement: cpus,
    nodes: options.nodes.map(({ name, version }) => ({ name, version })),
    servers: specs.map(({ label, driver, store, peer, routes }) => ({ label, driver, store, peer, routes })),
    rounds: [],
    warmup: [],
  };
  const servers: { spec: ServerSpec; handle: ServerHandle }[] = [];
  try {
    for (const spec of specs) {
      const handle = await startServer({
        label: spec.label,
        nonceStore: spec.store === 'redis' ? (options.redisUrl as string) : 'memory',
        driver: spec.driver,
        app: spec.peer ? 'peer' : 'bench',
        node: spec.node.path,
        placement: cpus,
        cpuProfDir: options.cpuProfDir,
      });
      servers.push({ spec, handle });
      await checkServer(handle);
    }
    const load = { connections: options.connections, duration: options.duration };
    const warmRsa = await presignRsa(Math.min(2000, options.rsaRequests));
    for (const { spec, handle } of servers) {
      for (const route of spec.routes) {
        const headers = route === 'rsa' ? warmRsa : undefined;
        results.warmup.push(await runLoad(handle, route, { ...load, duration: options.warmupSeconds, headers }));
      }
    }
    let redisServed = 0;
    for (let r = 0; r < options.rounds; r++) {
      const round: Round = {};
      const rsaPool = await presignRsa(options.rsaRequests);
      // Alternate the order each round, so that drift (heat, JIT, the nonce table growing) favours no side.
      for (const { spec, handle } of ordered(servers, r)) {
        const runs = (round[spec.label] = await runTurn(
          handle,
          ordered(spec.routes, r),
          (route) => ({ ...load, headers: route === 'rsa' ? rsaPool : undefined }),
          options.turnWarmupSeconds,
        ));
        const guarded = runs.hmac;
        if (spec.store === 'redis' && guarded) redisServed += guarded.requests - guarded.non2xx;
      }
      results.rounds.push(round);
      options.log(`  round ${r + 1}/${options.rounds}: ${describeRound(round)}`);
    }
    if (options.redisUrl) results.redisKeys = await countRedisKeys(options.redisUrl, redisServed);
  } finally {
    await Promise.all(servers.map(({ handle }) => handle.stop()));
  }
  return results;
}

function describeRound(round: Round): string {
  const cpu = (run: LoadResult | undefined) => run?.cpuUsPerRequest.server.toFixed(0) ?? '–';
  return Object.entries(round)
    .map(([label, runs]) => `${label} ${(Object.keys(runs) as Route[]).map((r) => `${r} ${cpu(runs[r])}`).join(' ')}`)
    .join('; ');
}

/** Every nonce the Redis servers' guarded runs accepted must have been a key in Redis: the store was really used. */
async function countRedisKeys(url: string, served: number): Promise<{ keys: number; expired: number; served: number }> {
  const client = new IORedis(url, { maxRetriesPerRequest: 1 });
  try {
    const keys = await client.dbsize();
    const expired = Number(/expired_keys:(\d+)/.exec(await client.info('stats'))?.[1] ?? 0);
    if (keys + expired < served) {
      throw new LoadNotRealError(`Redis holds ${keys} keys (${expired} expired) but the Redis runs served ${served}`);
    }
    return { keys, expired, served };
  } finally {
    client.disconnect();
  }
}

/** CPU time of a process group (`npm run demo`: npm, its shell and the demo), from /proc. */
function groupCpu(pgid: number): NodeJS.CpuUsage {
  const usPerTick = 1e6 / Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);
  let user = 0;
  let system = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // it ended
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) !== pgid) continue; // field 5, pgrp
    user += Number(fields[11]) * usPerTick; // field 14, utime
    system += Number(fields[12]) * usPerTick; // field 15, stime
  }
  return { user, system };
}

export interface DemoResults {
  rounds: {
    demo: Partial<Record<Route, LoadResult>>;
    passport: Partial<Record<Route, LoadResult>>;
    /** The demo's app with its floor route (bench/support/demo-floor.ts), a process of its own. */
    floor?: Partial<Record<Route, LoadResult>>;
  }[];
}

/**
 * `npm run demo` as users start it (the Koa driver, its SQLite stores and memory nonces) and the peer's own
 * Express app, pinned like the bench servers, each loaded on GET /api/public and GET /api/me with the demo's
 * HMAC-SHA1 client and token; beside them, the demo's app with its floor route (bench/support/demo-floor.ts),
 * loaded on those two routes and the floor.
 */
export async function runDemoComparison(options: EndToEndOptions): Promise<DemoResults> {
  const cpus = placement();
  const command = ['npm', 'run', 'demo'];
  const demo = await startListening(cpus ? ['taskset', '-c', String(cpus.server), ...command] : command);
  const demoTarget: LoadTarget = {
    label: 'npm run demo',
    nonceStore: 'memory',
    port: Number(new URL(demo.base).port),
    placement: cpus,
    usage: async () => ({ cpu: groupCpu(demo.child.pid as number) }),
  };
  const results: DemoResults = { rounds: [] };
  let passport: ServerHandle | undefined;
  let floor: ServerHandle | undefined;
  try {
    passport = await startServer({ label: 'passport', app: 'passport', nonceStore: 'memory', placement: cpus });
    floor = await startServer({ label: 'demo floor', app: 'demo-floor', nonceStore: 'memory', placement: cpus });
    await checkDemoFloor(floor);
    const load = { connections: options.connections, duration: options.duration, who: ALICE };
    const targets: [keyof DemoResults['rounds'][number], LoadTarget, Route[]][] = [
      ['demo', demoTarget, ['demo-open', 'demo-guarded']],
      ['passport', passport, ['demo-open', 'demo-guarded']],
      ['floor', floor, ['demo-open', 'demo-guarded', 'demo-floor']],
    ];
    for (const [, target, routes] of targets) {
      for (const route of routes) await runLoad(target, route, { ...load, duration: options.warmupSeconds });
    }
    for (let r = 0; r < options.rounds; r++) {
      const round: DemoResults['rounds'][number] = { demo: {}, passport: {} };
      for (const [name, target, routes] of ordered(targets, r)) {
        round[name] = await runTurn(target, ordered(routes, r), () => load, options.turnWarmupSeconds);
      }
      results.rounds.push(round);
      const rps = (run?: LoadResult) => Math.round(run?.rps ?? 0);
      options.log(
        `  demo round ${r + 1}/${options.rounds}: demo /api/public ${rps(round.demo['demo-open'])}/s, ` +
          `/api/me ${rps(round.demo['demo-guarded'])}/s; passport /api/me ${rps(round.passport['demo-guarded'])}/s; ` +
          `the demo's floor ${rps(round.floor?.['demo-floor'])}/s beside its /api/public ` +
          `${rps(round.floor?.['demo-open'])}/s`,
      );
    }
  } finally {
    await Promise.all([stopProcess(demo), passport?.stop(), floor?.stop()]);
  }
  return results;
}

/** The demo's floor route answers exactly what GET /api/me answers to the demo's signed request. */
async function checkDemoFloor(server: ServerHandle): Promise<void> {
  const get = async (route: Route) => {
    const url = urlOf(server, route);
    const response = await fetch(url, { headers: { authorization: sign({ url, who: ALICE }).header } });
    return `${response.status} ${await response.text()}`;
  };
  const [me, floor] = [await get('demo-guarded'), await get('demo-floor')];
  if (!me.startsWith('200 ') || floor !== me) {
    throw new LoadNotRealError(`the demo's floor answered ${floor} where GET /api/me answered ${me}`);
  }
}
