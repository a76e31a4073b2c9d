/**
 * End-to-end targets: the bench server in a child process, loaded over loopback HTTP by autocannon in
 * this process, every request signed afresh (HMAC per request in `setupRequest`, RSA from a pool signed
 * just before its run, each used once). Guarded and open routes are measured side by side in each round.
 */
import autocannon from 'autocannon';
import { spawn, spawnSync } from 'node:child_process';
import { createPrivateKey, sign as rsaSign } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { enc, sign, type Identity } from '../spec/support/sign';
import { NODE_MODULES, transpileSources, transpileTree } from '../spec/support/transpile';
import type { ParentMessage, ServerMessage } from './server';
import { checkFastSigner, hmacSigner } from './support/fast-sign';
import { HMAC_IDENTITY, RSA_IDENTITY } from './support/identities';
import { round } from './support/stats';

/** The load was not what it claims to measure (errors, refusals, nothing served): the numbers mean nothing. */
export class LoadNotRealError extends Error {}

/**
 * `hmac-floor` and `rsa-floor`: the cryptography alone in place of the guard (bench/support/floors.ts);
 * `hmac-floor-plus`: the HMAC floor and 5 µs of JavaScript; `hmac-floor-param`: the HMAC floor, its action taking one
 * parameter decorator (as the guarded one takes `@Credential()`); `hmac-floor-nonce`: the HMAC floor and the nonce
 * recorded in a memory nonce table (`MemoryNonceCache`); `hmac-floor-redis`: the HMAC floor and one Redis
 * command (servers whose nonces are in Redis); `minimal`: the lenient verifier of
 * bench/support/minimal-verifier.ts, written for speed, in place of the guard; `minimal-guard`: its checks with the
 * guard's contract (the reading, the hand-off to the action, `currentCredential()`, `@Credential()`);
 * `passport`: the same route behind passport-http-oauth (Express only); `demo-open` and `demo-guarded`: the
 * demo's GET /api/public and GET /api/me (also the passport app's); `demo-floor`: the demo's floor, GET /api/me's
 * answer after the cryptography and the demo's store lookups alone (bench/support/demo-floor.ts).
 */
export type Route =
  | 'open'
  | 'hmac'
  | 'rsa'
  | 'hmac-floor'
  | 'hmac-floor-plus'
  | 'hmac-floor-param'
  | 'hmac-floor-nonce'
  | 'hmac-floor-redis'
  | 'minimal'
  | 'minimal-guard'
  | 'rsa-floor'
  | 'passport'
  | 'demo-open'
  | 'demo-guarded'
  | 'demo-floor';
const PATHS: Record<Route, string> = {
  open: '/open',
  hmac: '/guarded',
  rsa: '/guarded',
  'hmac-floor': '/floor/hmac-sha1',
  'hmac-floor-plus': '/floor/hmac-sha1-plus',
  'hmac-floor-param': '/floor/hmac-sha1-param',
  'hmac-floor-nonce': '/floor/hmac-sha1-nonce',
  'hmac-floor-redis': '/floor/hmac-sha1-redis',
  minimal: '/minimal',
  'minimal-guard': '/minimal-guard',
  'rsa-floor': '/floor/rsa-sha1',
  passport: '/passport',
  'demo-open': '/api/public',
  'demo-guarded': '/api/me',
  'demo-floor': '/api/me-floor',
};

/**
 * The Host every load request names, whatever server it goes to: requests are signed for
 * `http://bench.test/…`, so that one pool of RSA-signed requests serves every server of a round.
 */
export const LOAD_HOST = 'bench.test';
export const loadUrl = (route: Route): string => `http://${LOAD_HOST}${PATHS[route]}`;

export interface ServerHandle {
  /** What it is, for messages: e.g. `Node 20 koa memory`. */
  label: string;
  nonceStore: string;
  /** The server's `process.version`. */
  nodeVersion: string;
  port: number;
  pid: number;
  /** Where the server and the load client run, when pinned. */
  placement?: Placement;
  usage(): Promise<Extract<ServerMessage, { type: 'usage' }>>;
  stop(): Promise<void>;
}

export interface ServerOptions {
  /** `memory` or a redis:// URL. */
  nonceStore: string;
  /** routing-controllers' driver of the bench app (default koa). */
  driver?: 'koa' | 'express';
  /**
   * `peer`: the Express bench app with GET /passport; `passport`: the peer's own app (bench/support/passport.ts);
   * `demo-floor`: the demo's app with its floor route (bench/support/demo-floor.ts).
   */
  app?: 'bench' | 'peer' | 'passport' | 'demo-floor';
  label?: string;
  /** Pin the server (all its threads) to its CPU with taskset, and the client to the others during runs. */
  placement?: Placement;
  /** Write a V8 CPU profile of the server here when it stops. */
  cpuProfDir?: string;
  /** The Node binary that runs the server (default: this process's), and options for it. */
  node?: string;
  nodeOptions?: string[];
  /** false: the protector leaves AsyncLocalStorage unused (`currentCredential: false`). */
  currentCredential?: boolean;
  /** A folder made by `buildServer()` (default: one build of the working tree per process). */
  build?: string;
}

/** Where each side runs: the server alone on the last CPU this process may use, the load client on the others. */
export interface Placement {
  server: number;
  /** taskset lists */
  client: string;
  all: string;
}

/** A placement when there are two CPUs or more and taskset (BENCH_PIN=0 turns it off). */
export function placement(): Placement | undefined {
  if (process.env.BENCH_PIN === '0') return undefined;
  if (spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status !== 0) return undefined;
  let allowed: number[];
  try {
    const list = /^Cpus_allowed_list:\s*(.+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '';
    allowed = list.split(',').flatMap((range) => {
      const [from, to = from] = range.split('-').map(Number);
      return Array.from({ length: to - from + 1 }, (_, i) => from + i);
    });
  } catch {
    return undefined;
  }
  if (allowed.length < 2 || allowed.some((cpu) => !Number.isInteger(cpu))) return undefined;
  return { server: allowed[allowed.length - 1], client: allowed.slice(0, -1).join(','), all: allowed.join(',') };
}

/** Pins every thread of this process to `cpus` (a taskset list). */
function pinSelf(cpus: string): void {
  spawnSync('taskset', ['-a', '-p', '-c', cpus, String(process.pid)], { stdio: 'ignore' });
}

let compiled: string | undefined;

/**
 * The bench server's sources (src/, bench/, spec/support/) transpiled into a temporary folder, removed when
 * this process exits; with `srcRoot`, src/ is taken from that folder instead of the repository's (a build
 * of another revision, for bench/ab-http.ts).
 */
export function buildServer(srcRoot?: string): string {
  const root = join(__dirname, '..');
  const folder = transpileSources(
    'oauth1-bench-',
    srcRoot ? ['bench', 'demo', 'spec/support'] : ['src', 'bench', 'demo', 'spec/support'],
  );
  if (srcRoot) transpileTree(srcRoot, folder, ['src']);
  process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
  // The key files the identities and the demo read, and the package the demo's OpenAPI document names, where the
  // transpiled modules look for them.
  for (const file of ['demo/keys', 'spec/fixtures', 'package.json']) {
    mkdirSync(join(folder, file, '..'), { recursive: true });
    symlinkSync(join(root, file), join(folder, file));
  }
  return folder;
}

/**
 * The server runs as JavaScript transpiled once per bench run, as users run the library: under ts-node
 * it would load node:repl, whose node:domain slows every EventEmitter (each request and response).
 */
function compiledServer(build?: string): string {
  return join(build ?? (compiled ??= buildServer()), 'bench', 'server.js');
}

export async function startServer(options: ServerOptions): Promise<ServerHandle> {
  const nodeArgs = [
    ...(options.nodeOptions ?? []),
    ...(options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : []),
    compiledServer(options.build),
  ];
  const node = options.node ?? process.execPath;
  const [command, args] =
    options.placement === undefined
      ? [node, nodeArgs]
      : ['taskset', ['-c', String(options.placement.server), node, ...nodeArgs]];
  const child = spawn(command, args, {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: {
      ...process.env,
      BENCH_NONCE_STORE: options.nonceStore,
      BENCH_CURRENT_CREDENTIAL: options.currentCredential === false ? 'off' : 'on',
      BENCH_DRIVER: options.driver ?? 'koa',
      BENCH_APP: options.app ?? 'bench',
      NODE_PATH: NODE_MODULES,
    },
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const ready = await new Promise<Extract<ServerMessage, { type: 'ready' }>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bench server did not start in 60 s:\n${output}`)), 60_000);
    child.on('message', (message: ServerMessage) => {
      if (message.type !== 'ready') return;
      clearTimeout(timer);
      resolve(message);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bench server exited (${code}):\n${output}`));
    });
  });
  const send = (message: ParentMessage) => child.send(message);
  return {
    label: options.label ?? `${options.driver ?? 'koa'} ${ready.nonceStore}`,
    nonceStore: ready.nonceStore,
    nodeVersion: ready.nodeVersion,
    port: ready.port,
    pid: child.pid ?? -1,
    placement: options.placement,
    usage: () =>
      new Promise((resolve) => {
        const onMessage = (message: ServerMessage) => {
          if (message.type !== 'usage') return;
          child.off('message', onMessage);
          resolve(message);
        };
        child.on('message', onMessage);
        send({ type: 'usage' });
      }),
    stop: async () => {
      if (child.exitCode !== null) return;
      send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Where a server answers a route, on loopback. */
export const urlOf = (server: ServerHandle, route: Route) => `http://127.0.0.1:${server.port}${PATHS[route]}`;

/** A fresh HMAC-SHA1 `Authorization` header (new nonce and timestamp) for one request, from the test signer. */
const hmacHeader = (url: string): string => sign({ url, who: HMAC_IDENTITY, realm: 'bench' }).header;

const RSA_PRIVATE_KEY = createPrivateKey(RSA_IDENTITY.privateKey ?? '');

/**
 * `count` RSA-SHA1 headers for `url`, each with its own nonce. The test signer builds the base string (asked
 * for PLAINTEXT so that it skips its own synchronous RSA signature); the signatures are made in libuv's
 * thread pool, on every core, while no load runs.
 */
export async function presignRsa(count: number, url = loadUrl('rsa')): Promise<string[]> {
  const one = async (): Promise<string> => {
    const draft = sign({
      url,
      who: RSA_IDENTITY,
      signatureMethod: 'PLAINTEXT',
      oauth: { oauth_signature_method: 'RSA-SHA1' },
    });
    const signature = await new Promise<Buffer>((resolve, reject) =>
      rsaSign('sha1', Buffer.from(draft.baseString), RSA_PRIVATE_KEY, (error, bytes) =>
        error ? reject(error) : resolve(bytes),
      ),
    );
    const params: [string, string][] = [
      ...draft.oauth.filter(([name]) => name !== 'oauth_signature'),
      ['oauth_signature', signature.toString('base64')],
    ];
    return 'OAuth realm="bench", ' + params.map(([k, v]) => `${k}="${enc(v)}"`).join(', ');
  };
  return Promise.all(Array.from({ length: count }, one));
}

/**
 * Proves the app is what the numbers claim: /open open, /guarded refusing the unsigned and the replayed,
 * the floors answering.
 */
export async function checkServer(server: ServerHandle): Promise<void> {
  const get = async (route: Route, authorization?: string) => {
    const response = await fetch(urlOf(server, route), { headers: authorization ? { authorization } : {} });
    return { status: response.status, body: await response.text() };
  };
  const expect = (what: string, actual: { status: number; body: string }, status: number) => {
    if (actual.status !== status) {
      throw new LoadNotRealError(
        `bench app (${server.nonceStore}): ${what} answered ${actual.status}, not ${status}: ${actual.body}`,
      );
    }
  };
  checkFastSigner(urlOf(server, 'hmac'), HMAC_IDENTITY);
  expect('GET /open', await get('open'), 200);
  expect('unsigned GET /guarded', await get('hmac'), 401);
  const header = hmacHeader(urlOf(server, 'hmac'));
  expect('HMAC-signed GET /guarded', await get('hmac', header), 200);
  expect('replayed GET /guarded', await get('hmac', header), 401);
  const [rsa] = await presignRsa(1, urlOf(server, 'rsa'));
  expect('RSA-signed GET /guarded', await get('rsa', rsa), 200);
  expect('GET /floor/hmac-sha1', await get('hmac-floor', header), 200);
  expect('GET /floor/rsa-sha1', await get('rsa-floor', header), 200);
  expect('GET /floor/hmac-sha1-plus', await get('hmac-floor-plus', header), 200);
  const param = await get('hmac-floor-param', header);
  expect('GET /floor/hmac-sha1-param', param, 200);
  if (!param.body.includes('"ok":true')) {
    throw new LoadNotRealError(
      `bench app: GET /floor/hmac-sha1-param's action did not get its parameter: ${param.body}`,
    );
  }
  expect('GET /floor/hmac-sha1-nonce', await get('hmac-floor-nonce', header), 200);
  expect('replayed GET /floor/hmac-sha1-nonce', await get('hmac-floor-nonce', header), 401);
  if (server.nonceStore === 'redis') expect('GET /floor/hmac-sha1-redis', await get('hmac-floor-redis', header), 200);
  expect('unsigned GET /minimal', await get('minimal'), 401);
  const minimal = hmacHeader(urlOf(server, 'minimal'));
  expect('HMAC-signed GET /minimal', await get('minimal', minimal), 200);
  expect('replayed GET /minimal', await get('minimal', minimal), 401);
  expect('unsigned GET /minimal-guard', await get('minimal-guard'), 401);
  const minimalGuard = hmacHeader(urlOf(server, 'minimal-guard'));
  const handedOver = await get('minimal-guard', minimalGuard);
  expect('HMAC-signed GET /minimal-guard', handedOver, 200);
  if (!handedOver.body.includes(`"client":"${HMAC_IDENTITY.consumerKey}"`)) {
    throw new LoadNotRealError(`bench app: GET /minimal-guard's action did not get the credential: ${handedOver.body}`);
  }
  expect('replayed GET /minimal-guard', await get('minimal-guard', minimalGuard), 401);
  if (server.label.includes('peer')) {
    expect('unsigned GET /passport', await get('passport'), 401);
    const passport = hmacHeader(urlOf(server, 'passport'));
    expect('HMAC-signed GET /passport', await get('passport', passport), 200);
    expect('replayed GET /passport', await get('passport', passport), 401);
  }
}

export interface LoadOptions {
  connections: number;
  /** Seconds; ignored when `headers` (a pre-signed pool) bounds the run by its size. */
  duration: number;
  /** Pre-signed `Authorization` headers, each sent once; the run makes exactly this many requests. */
  headers?: string[];
  /** Whose requests (default the bench's HMAC identity). */
  who?: Identity;
}

/** What a load run needs of a server: where it listens and its CPU time so far. */
export interface LoadTarget extends Pick<ServerHandle, 'label' | 'nonceStore' | 'port' | 'placement'> {
  usage(): Promise<{ cpu: NodeJS.CpuUsage }>;
}

export interface LoadResult {
  route: Route;
  nonceStore: string;
  /** Completed requests. */
  requests: number;
  seconds: number;
  rps: number;
  latencyMs: { avg: number; p50: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Share of one core each side used up to the last response (1 = one core busy all the time). */
  cpu: { client: number; server: number };
  /** CPU time each side spent per completed request, in µs: the server's is independent of the client's speed. */
  cpuUsPerRequest: { client: number; server: number };
}

interface AutocannonClient {
  getRequestBuffer(): Buffer;
  on(event: 'response', listener: () => void): unknown;
}

/**
 * One bounded load run of one route; throws `LoadNotRealError` when the load was not real.
 *
 * Each request is signed as it is sent: `setupClient` gives every connection a request writer that puts a
 * fresh `Authorization` header (or the next pre-signed one) on a request line and Host computed once. This
 * is what `setupRequest` does, without autocannon rebuilding the whole request each time (about 20 µs of
 * the client's single core per request, enough to make the client, not the server, the bottleneck).
 */
export async function runLoad(server: LoadTarget, route: Route, options: LoadOptions): Promise<LoadResult> {
  const pool = options.headers;
  let next = 0;
  const fresh = hmacSigner(loadUrl(route), options.who ?? HMAC_IDENTITY);
  const header = pool ? () => pool[next++] ?? fresh() : () => fresh();
  const head = `GET ${PATHS[route]} HTTP/1.1\r\nHost: ${LOAD_HOST}\r\nAuthorization: `;
  const setupClient = (client: unknown) => {
    const writer = client as AutocannonClient;
    if (typeof writer.getRequestBuffer !== 'function') throw new Error('autocannon Client.getRequestBuffer is gone');
    writer.getRequestBuffer = () => Buffer.from(`${head}${header()}\r\n\r\n`, 'latin1');
    writer.on('response', () => (lastResponse = process.hrtime.bigint()));
  };
  let lastResponse = 0n;
  // The client keeps off the server's CPU during the run only (RSA signing between runs uses every core).
  if (server.placement) pinSelf(server.placement.client);
  const serverBefore = await server.usage();
  const clientBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  let result: autocannon.Result;
  try {
    result = await autocannon({
      url: `http://127.0.0.1:${server.port}${PATHS[route]}`,
      connections: options.connections,
      pipelining: 1,
      timeout: 10,
      ...(pool ? { amount: pool.length } : { duration: options.duration }),
      setupClient,
    });
  } finally {
    if (server.placement) pinSelf(server.placement.all);
  }
  const clientCpu = process.cpuUsage(clientBefore);
  const serverAfter = await server.usage();
  const serverMicros = serverAfter.cpu.user + serverAfter.cpu.system - serverBefore.cpu.user - serverBefore.cpu.system;

  const requests = result.requests.total;
  // autocannon ends a run (and its `duration`) on its next whole-second tick: an amount-bounded run would
  // count the idle time up to it. The rate is taken up to the last response instead.
  const seconds = Number(lastResponse - started) / 1e9;
  const run: LoadResult = {
    route,
    nonceStore: server.nonceStore,
    requests,
    seconds: round(seconds, 3),
    rps: round(requests / seconds, 1),
    latencyMs: {
      avg: round(result.latency.average, 3),
      p50: result.latency.p50,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    cpu: {
      client: round((clientCpu.user + clientCpu.system) / (seconds * 1e6), 3),
      server: round(serverMicros / (seconds * 1e6), 3),
    },
    cpuUsPerRequest: {
      client: round((clientCpu.user + clientCpu.system) / Math.max(1, requests), 1),
      server: round(serverMicros / Math.max(1, requests), 1),
    },
  };
  const what = `${route} on the ${server.label} server`;
  if (requests === 0) throw new LoadNotRealError(`${what}: zero requests completed`);
  if (run.non2xx > requests * 0.01) {
    throw new LoadNotRealError(`${what}: ${run.non2xx} of ${requests} responses were not 2xx (over 1%)`);
  }
  if (run.errors > requests * 0.01) {
    throw new LoadNotRealError(`${what}: ${run.errors} connection errors for ${requests} requests (over 1%)`);
  }
  if (pool && next > pool.length) {
    throw new LoadNotRealError(`${what}: the pre-signed pool ran out (${next} of ${pool.length} used)`);
  }
  return run;
}

/**
 * Seconds of the untimed run that opens each server's turn in a round. A server idle while the others ran (all
 * pinned to the same CPU) comes back with cold caches and a shrunk heap, and its first timed run paid for that:
 * in the runs of 2026-12-05 the first route of a turn cost a median 17% more (up to 75%) than the same route
 * later in a turn; the order being reversed every other round, the open route ran first in three rounds of five,
 * and its median carried the penalty (docs/benchmarks.md).
 */
export const TURN_WARMUP_SECONDS = 2;

/**
 * One server's turn in a round: an untimed run on its first route (`warmupSeconds`), then each route timed in
 * the order given. `options(route)` gives each run's load (e.g. a pre-signed pool); the warm-up takes the first
 * route's load without its pool, which stays whole for the timed run.
 */
export async function runTurn(
  server: LoadTarget,
  routes: readonly Route[],
  options: (route: Route) => LoadOptions,
  warmupSeconds: number,
): Promise<Partial<Record<Route, LoadResult>>> {
  const runs: Partial<Record<Route, LoadResult>> = {};
  if (routes.length === 0) return runs;
  const first = options(routes[0]);
  await runLoad(server, routes[0], { ...first, headers: undefined, duration: warmupSeconds });
  for (const route of routes) runs[route] = await runLoad(server, route, options(route));
  return runs;
}
