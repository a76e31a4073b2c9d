/**
 * The end-to-end targets, from the runs of bench/e2e.ts: server CPU a request above the floor (the
 * cryptography alone, measured on the same server in the same round), the guard against passport-http-oauth,
 * and `npm run demo` against the peer's app and against its own unguarded route. Medians over rounds.
 */
import type { DemoResults, EndToEndResults, NodeBinary } from './e2e';
import type { LoadResult, Route } from './http';
import { target, type Target } from './report';
import { FLOOR_PLUS_US } from './support/floors';
import { grouped, median, round } from './support/stats';

const cpu = (run: LoadResult) => run.cpuUsPerRequest.server;
const range = (values: number[], digits = 1) =>
  `${Math.min(...values).toFixed(digits)} to ${Math.max(...values).toFixed(digits)}`;

/** The runs of `routes` on one server, in the rounds that have them all. */
function pairs(e2e: EndToEndResults, label: string, routes: Route[]): LoadResult[][] {
  return e2e.rounds
    .map((r) => routes.map((route) => r[label]?.[route]))
    .filter((runs): runs is LoadResult[] => runs.every((run) => run !== undefined));
}

/**
 * A floor proves a limit out of reach only when it misses the limit in at least this share of the rounds (four of
 * five): a median alone can sit past the limit by noise, in runs whose rounds differ by tens of µs.
 */
const FLOOR_MISS_SHARE = 0.8;

/** Whether a floor's per-round readings miss the limit in at least `FLOOR_MISS_SHARE` of the rounds. */
function floorMisses(values: number[], misses: (value: number) => boolean): boolean {
  return values.length > 0 && values.filter(misses).length >= Math.ceil(values.length * FLOOR_MISS_SHARE);
}

/** How many of the rounds missed, for the row's words. */
const missedIn = (values: number[], misses: (value: number) => boolean) =>
  `${values.filter(misses).length} of ${values.length} rounds`;

const unmeasured = (spec: Omit<Target, 'status' | 'value' | 'measured'>, why: string) =>
  target({ ...spec, measured: 'not measured', value: null, note: why });

/** Per round, on one server: what `route` costs above `base`, in server CPU µs a request. */
function over(e2e: EndToEndResults, label: string, route: Route, base: Route): number[] {
  return pairs(e2e, label, [base, route]).map(([b, r]) => cpu(r) - cpu(b));
}

const MINIMAL =
  'the minimal verifier (bench/support/minimal-verifier.ts: the protocol steps alone, leniently and as fast as we could)';
const MINIMAL_GUARD =
  "the minimal verifier with the guard's contract (bench/support/minimal-guard.ts: the request read once, the " +
  "verified reading handed to the action, currentCredential()'s AsyncLocalStorage, @Credential())";

/**
 * Whether a memory server's rounds are steady enough to cite the minimal verifier: its known 5 µs of added work
 * reads as 2.5–7.5 µs and its floor costs no less than its open route. Otherwise the machine's speed moved during
 * the run, and no row cites the yardstick from it.
 */
function steadyYardstick(e2e: EndToEndResults, label: string): boolean {
  const plus = over(e2e, label, 'hmac-floor-plus', 'hmac-floor');
  const floor = over(e2e, label, 'hmac-floor', 'open');
  if (plus.length === 0 || floor.length === 0) return false;
  const read = median(plus);
  return read >= FLOOR_PLUS_US / 2 && read <= FLOOR_PLUS_US * 1.5 && median(floor) >= 0;
}

/**
 * The yardsticks' word on a limit in µs above a floor, when one misses too: the minimal verifier, or failing that the
 * minimal verifier with the guard's contract, measured beside the HMAC floor on the server with memory nonces in the
 * same rounds, already costs more than the limit allows.
 */
function yardstickMisses(
  sticks: { minimal?: number; contract?: number } | undefined,
  limit: number,
  what: string,
): string | undefined {
  const [who, value] =
    sticks?.minimal !== undefined && sticks.minimal > limit
      ? [MINIMAL, sticks.minimal]
      : [MINIMAL_GUARD, sticks?.contract];
  if (value === undefined || value <= limit) return undefined;
  return `${who} already costs ${value.toFixed(1)} µs above the HMAC floor ${what}, over the ${limit} µs limit`;
}

/**
 * `guarded` minus `floor`, in server CPU µs a request, per round. In a steady run no route costs less than
 * the cryptography alone, nor that less than the open route: either is the machine's speed changing between
 * the runs of a round, and the row says so.
 */
function aboveFloor(
  e2e: EndToEndResults,
  label: string,
  guarded: Route,
  floor: Route,
  spec: Omit<Target, 'status' | 'value' | 'measured' | 'unit' | 'bound'>,
  cite: { yardstick?: string; outOfReach?: string } = {},
): Target {
  const runs = pairs(e2e, label, ['open', guarded, floor]);
  const base = { ...spec, unit: 'µs' as const, bound: 'max' as const };
  if (runs.length === 0) return unmeasured(base, `${label}: not run`);
  const floorOverOpen = runs.map(([o, , f]) => cpu(f) - cpu(o));
  const m = (i: number) => round(median(runs.map((r) => cpu(r[i]))), 1);
  const rps = (i: number) => grouped(median(runs.map((r) => r[i].rps)));
  const overFloor = runs.map(([, g, f]) => cpu(g) - cpu(f));
  const unsteady =
    median(overFloor) < 0
      ? '; UNSTEADY RUN: the guarded route cost less than the cryptography alone; rerun'
      : median(floorOverOpen) < 0
        ? '; UNSTEADY RUN: the cryptography alone cost less than the open route; rerun'
        : '';
  return target({
    ...base,
    measured: `${m(1)} vs ${m(2)} µs a request (open ${m(0)})`,
    value: round(median(overFloor), 2),
    note:
      `server CPU µs a request above the floor by round ${range(overFloor)}; the floor ${range(floorOverOpen)} above ` +
      `open; req/s ${rps(1)} guarded, ${rps(2)} floor, ${rps(0)} open${unsteady}`,
    ...(unsteady
      ? {}
      : cite.outOfReach
        ? { outOfReach: cite.outOfReach }
        : cite.yardstick
          ? { yardstick: cite.yardstick }
          : {}),
  });
}

/** What the guarded route costs above a yardstick's route, in a row's note: the median and range of the rounds. */
const guardAbove = (values: number[]) =>
  values.length
    ? `${round(median(values), 1)} µs above this route (rounds ${range(values)})`
    : 'nothing measured above this route';

/**
 * The yardsticks of one memory server, as reference rows: the HMAC floor plus a known 5 µs of JavaScript (the
 * measurement reads added work as itself, or the run is not to be trusted), the minimal verifier alone and with the
 * guard's contract, and the floor with a parameter decorator.
 */
function yardsticks(
  e2e: EndToEndResults,
  label: string,
  id: (what: string) => string,
  title: (what: string) => string,
) {
  const plus = over(e2e, label, 'hmac-floor-plus', 'hmac-floor');
  const minimal = over(e2e, label, 'minimal', 'hmac-floor');
  const contract = over(e2e, label, 'minimal-guard', 'hmac-floor');
  const guardOverContract = over(e2e, label, 'hmac', 'minimal-guard');
  const param = over(e2e, label, 'hmac-floor-param', 'hmac-floor');
  const guardOverParam = over(e2e, label, 'hmac', 'hmac-floor-param');
  const row = (what: string, name: string, values: number[], note: string): Target =>
    values.length === 0
      ? unmeasured({ id: id(what), title: title(name), unit: 'µs', bound: 'max', limit: FLOOR_PLUS_US }, 'not run')
      : target({
          id: id(what),
          title: title(name),
          measured: `server CPU µs a request above the HMAC floor, by round ${range(values)}`,
          value: round(median(values), 2),
          unit: 'µs',
          bound: 'max',
          limit: FLOOR_PLUS_US,
          reference: true,
          note,
        });
  const steady = steadyYardstick(e2e, label);
  return {
    minimal: minimal.length && steady ? median(minimal) : undefined,
    contract: contract.length && steady ? median(contract) : undefined,
    rows: [
      row(
        'yardstick-plus',
        `yardstick: HMAC floor + ${FLOOR_PLUS_US} µs of JavaScript − floor`,
        plus,
        `a known ${FLOOR_PLUS_US} µs of work a request (a loop calibrated on the server's CPU time) reads as ` +
          `${round(median(plus), 1)} µs: what the measurement charges for that much work`,
      ),
      row(
        'yardstick-minimal',
        'yardstick: minimal verifier − HMAC floor',
        minimal,
        `${MINIMAL}: find the values, sort, base string, HMAC, window, nonce in the hashed table`,
      ),
      row(
        'yardstick-minimal-guard',
        "yardstick: minimal verifier with the guard's contract − HMAC floor",
        contract,
        `${MINIMAL_GUARD}; the guarded route costs ${guardAbove(guardOverContract)}: the library's verification ` +
          "above the minimal verifier's checks, the rest of the route alike",
      ),
      row(
        'yardstick-param',
        'yardstick: HMAC floor with a parameter decorator − floor',
        param,
        'what routing-controllers charges for one parameter decorator (its `normalizeParamValue` is async), as the ' +
          "guarded route's `@Credential()` pays and the floor's action does not; the guarded route costs " +
          `${guardAbove(guardOverParam)}: the guard above a floor whose action is like its own`,
      ),
    ],
  };
}

/** The limits of the rows above a floor (issue #16): memory nonces, and nonces in Redis. */
const LIMIT_US = 5;
const REDIS_LIMIT_US = 12;

const REDIS_FLOOR =
  'the HMAC floor with one Redis command a request (bench/support/floors.ts: SET NX of the nonce, through the nonce ' +
  "cache's own auto-pipelined ioredis client, its answer awaited: the round trip no guard whose nonces are in Redis " +
  'can skip)';

/** On a Redis server, what the HMAC floor with one Redis command costs above the HMAC floor, per round. */
const redisFloorOver = (e2e: EndToEndResults, label: string) => over(e2e, label, 'hmac-floor-redis', 'hmac-floor');

/**
 * A Redis row's limit is out of reach when the HMAC floor with one Redis command alone costs more above the HMAC
 * floor in four rounds of five, in a run whose HMAC floor costs no less than the open route (by the median).
 */
function redisFloorMisses(e2e: EndToEndResults, label: string, limit: number): string | undefined {
  const values = redisFloorOver(e2e, label);
  const overLimit = (value: number) => value > limit;
  if (!floorMisses(values, overLimit) || median(over(e2e, label, 'hmac-floor', 'open')) < 0) return undefined;
  return (
    `${REDIS_FLOOR} already costs ${median(values).toFixed(1)} µs above the HMAC floor on this server, over the ` +
    `${limit} µs limit in ${missedIn(values, overLimit)}`
  );
}

const NONCE_FLOOR =
  'the HMAC floor with the nonce recorded a request (bench/support/floors.ts: keyed as the protector keys it, in a ' +
  'MemoryNonceCache of its own: the record no guard whose nonces are in memory can skip)';

/**
 * A floor's reading above the HMAC floor on one server, as a reference row against the limit of the rows it bounds:
 * the nonce floor's on a memory server, the Redis floor's on a Redis server.
 */
function floorRow(
  e2e: EndToEndResults,
  label: string,
  route: Route,
  spec: Pick<Target, 'id' | 'title' | 'limit'>,
  what: string,
): Target {
  const full = { ...spec, unit: 'µs' as const, bound: 'max' as const };
  const values = over(e2e, label, route, 'hmac-floor');
  if (values.length === 0) return unmeasured(full, `${label}: not run`);
  const guardAbove = over(e2e, label, 'hmac', route);
  return target({
    ...full,
    measured: `server CPU µs a request above the HMAC floor, by round ${range(values)}`,
    value: round(median(values), 2),
    reference: true,
    note: `${what}; the guarded route costs ${round(median(guardAbove), 1)} µs above this route (rounds ${range(guardAbove)})`,
  });
}

/** Guarded HMAC-SHA1 (memory and Redis nonces) and RSA-SHA1 above their floors, per Node and driver. */
export function floorTargets(e2e: EndToEndResults | undefined, nodes: NodeBinary[], redis: boolean): Target[] {
  const targets: Target[] = [];
  for (const node of nodes) {
    for (const driver of ['koa', 'express'] as const) {
      const server = (store: string) => `${node.name} ${driver} ${store}`;
      const id = (what: string) => `${what}-${node.name.replace(' ', '').toLowerCase()}-${driver}`;
      const title = (what: string) => `${node.name} ${driver}: ${what}`;
      const sticks = e2e ? yardsticks(e2e, server('memory'), id, title) : undefined;
      const rows: [string, string, string, Route, Route, number][] = [
        [
          id('hmac-memory'),
          title('HMAC-SHA1, MemoryNonceCache − HMAC floor'),
          server('memory'),
          'hmac',
          'hmac-floor',
          LIMIT_US,
        ],
        [
          id('rsa-memory'),
          title('RSA-SHA1, MemoryNonceCache − RSA floor'),
          server('memory'),
          'rsa',
          'rsa-floor',
          LIMIT_US,
        ],
        [
          id('hmac-redis'),
          title('HMAC-SHA1, RedisNonceCache − HMAC floor'),
          server('redis'),
          'hmac',
          'hmac-floor',
          REDIS_LIMIT_US,
        ],
      ];
      const where: Record<string, string> = {
        hmac: 'on this server',
        rsa: 'on this server, with the cheaper cryptography (its steps besides the cryptography are the same)',
        redis: 'on the memory server beside this one, with no Redis round trip at all',
      };
      for (const [rowId, rowTitle, label, guarded, floor, limit] of rows) {
        const spec = { id: rowId, title: rowTitle, limit };
        if (!e2e) targets.push(unmeasured({ ...spec, unit: 'µs', bound: 'max' }, 'the end-to-end runs failed'));
        else if (label.endsWith('redis') && !redis) {
          targets.push(unmeasured({ ...spec, unit: 'µs', bound: 'max' }, 'redis-server is not installed'));
        } else {
          const kind = label.endsWith('redis') ? 'redis' : guarded;
          const yardstick = yardstickMisses(sticks, limit, where[kind]);
          const outOfReach = kind === 'redis' ? redisFloorMisses(e2e, label, limit) : undefined;
          targets.push(aboveFloor(e2e, label, guarded, floor, spec, { yardstick, outOfReach }));
        }
      }
      if (sticks) targets.push(...sticks.rows);
      if (e2e) {
        const nonce = { id: id('floor-nonce'), title: title('floor: HMAC floor + the nonce in memory − HMAC floor') };
        targets.push(floorRow(e2e, server('memory'), 'hmac-floor-nonce', { ...nonce, limit: LIMIT_US }, NONCE_FLOOR));
      }
      if (e2e && redis) {
        const floor = { id: id('floor-redis'), title: title('floor: HMAC floor + one Redis command − HMAC floor') };
        targets.push(
          floorRow(e2e, server('redis'), 'hmac-floor-redis', { ...floor, limit: REDIS_LIMIT_US }, REDIS_FLOOR),
        );
      }
    }
  }
  return targets;
}

/**
 * On Express, what passport-http-oauth costs over the open route against what the guard costs over it, per
 * round (same app, same requests, same rounds): the guard must cost at least 4× less. In a steady run neither
 * guarded route costs less than the open route; when the medians say otherwise the ratio means nothing, and the
 * row says so.
 */
export function peerTargets(e2e: EndToEndResults | undefined, nodes: NodeBinary[]): Target[] {
  return nodes.map((node) => {
    const label = `${node.name} express peer`;
    const spec = {
      id: `peer-${node.name.replace(' ', '').toLowerCase()}`,
      title: `${node.name} express: passport-http-oauth / guard, CPU above open`,
      limit: 4,
      unit: '×' as const,
      bound: 'min' as const,
    };
    const runs = e2e ? pairs(e2e, label, ['open', 'hmac', 'passport', 'minimal']) : [];
    if (runs.length === 0) return unmeasured(spec, `${label}: not run`);
    const ratios = runs.map(([o, g, p]) => (cpu(p) - cpu(o)) / (cpu(g) - cpu(o)));
    // The yardstick: what passport-http-oauth costs over what the minimal verifier costs, both above open.
    const minimalRatio = round(median(runs.map(([o, , p, m]) => (cpu(p) - cpu(o)) / (cpu(m) - cpu(o)))), 2);
    const minimalOverOpen = median(runs.map(([o, , , m]) => cpu(m) - cpu(o)));
    const memory = `${node.name} express memory`;
    const steady = e2e !== undefined && minimalOverOpen > 0 && minimalRatio > 0 && steadyYardstick(e2e, memory);
    // And over what the minimal verifier with the guard's contract costs.
    const contractRuns = e2e ? pairs(e2e, label, ['open', 'passport', 'minimal-guard']) : [];
    const contractRatio = contractRuns.length
      ? round(median(contractRuns.map(([o, p, c]) => (cpu(p) - cpu(o)) / (cpu(c) - cpu(o)))), 2)
      : undefined;
    const contractOverOpen = contractRuns.length ? median(contractRuns.map(([o, , c]) => cpu(c) - cpu(o))) : 0;
    const yardstick =
      minimalRatio < spec.limit
        ? `passport-http-oauth costs only ${minimalRatio}× what ${MINIMAL} costs above the open route`
        : contractRatio !== undefined && contractOverOpen > 0 && contractRatio > 0 && contractRatio < spec.limit
          ? `passport-http-oauth costs only ${contractRatio}× what ${MINIMAL_GUARD} costs above the open route`
          : undefined;
    const totals = runs.map(([, g, p]) => cpu(p) / cpu(g));
    const m = (i: number) => round(median(runs.map((r) => cpu(r[i]))), 1);
    const belowOpen = [1, 2].some((i) => median(runs.map((r) => cpu(r[i]) - cpu(r[0]))) < 0);
    const unsteady = belowOpen ? '; UNSTEADY RUN: a guarded route cost less than the open route; rerun' : '';
    return target({
      ...spec,
      measured: `${round(m(2) - m(0), 1)} vs ${round(m(1) - m(0), 1)} µs a request above open (${m(0)})`,
      value: round(median(ratios), 2),
      note:
        `ratios by round ${range(ratios, 2)}; whole routes ${m(2)} vs ${m(1)} µs, ${round(median(totals), 2)}×; ` +
        `passport-http-oauth / the minimal verifier, above open: ${minimalRatio}×` +
        (contractRatio === undefined ? '' : `; with the guard's contract: ${contractRatio}×`) +
        unsteady,
      ...(steady && !unsteady && yardstick ? { yardstick: `${yardstick}, on this server in the same rounds` } : {}),
    });
  });
}

const DEMO_FLOOR =
  "the demo's floor (bench/support/demo-floor.ts: the demo's own app answering /api/me's answer after one HMAC and " +
  'its two SQLite lookups, nothing else)';

/** The demo's floor beside its own app's open and guarded routes, in the process that serves all three. */
function floorNote(rounds: Record<'demo-open' | 'demo-guarded' | 'demo-floor', LoadResult>[], ratio: number): string {
  const m = (route: 'demo-open' | 'demo-guarded' | 'demo-floor') =>
    `${grouped(median(rounds.map((r) => r[route].rps)))} req/s (${round(median(rounds.map((r) => cpu(r[route]))), 1)} µs)`;
  const guarded = round(median(rounds.map((r) => r['demo-guarded'].rps / r['demo-open'].rps)), 2);
  return (
    `${DEMO_FLOOR} ${ratio}× its /api/public in a process of its own: floor ${m('demo-floor')}, ` +
    `/api/public ${m('demo-open')}, /api/me ${m('demo-guarded')} (${guarded}× there)`
  );
}

/** `npm run demo` against the peer's app (req/s of GET /api/me), and against its own GET /api/public. */
export function demoTargets(
  demo: DemoResults | undefined,
  e2e: EndToEndResults | undefined,
  nodes: NodeBinary[],
): Target[] {
  const peer = {
    id: 'demo-vs-passport',
    title: 'npm run demo / passport-http-oauth app, req/s',
    limit: 4,
    unit: '×' as const,
    bound: 'min' as const,
  };
  const own = { ...peer, id: 'demo-vs-open', title: 'npm run demo: /api/me / /api/public, req/s', limit: 0.8 };
  const rounds = demo?.rounds ?? [];
  const complete = rounds.filter(
    (r) => r.demo['demo-open'] && r.demo['demo-guarded'] && r.passport['demo-guarded'] && r.passport['demo-open'],
  ) as {
    demo: Record<'demo-open' | 'demo-guarded', LoadResult>;
    passport: Record<'demo-open' | 'demo-guarded', LoadResult>;
  }[];
  if (complete.length === 0) return [unmeasured(peer, 'BENCH_DEMO=0 or not run'), unmeasured(own, 'not run')];
  const m = (pick: (r: (typeof complete)[number]) => number) => median(complete.map(pick));
  const vsPeer = complete.map((r) => r.demo['demo-guarded'].rps / r.passport['demo-guarded'].rps);
  const vsOpen = complete.map((r) => r.demo['demo-guarded'].rps / r.demo['demo-open'].rps);
  // The floor argument: no guarded route of the demo serves more than its unguarded one.
  const openVsPeerRounds = complete.map((r) => r.demo['demo-open'].rps / r.passport['demo-guarded'].rps);
  const openVsPeer = round(median(openVsPeerRounds), 2);
  const underPeer = (ratio: number) => ratio < peer.limit;
  const peerReach = floorMisses(openVsPeerRounds, underPeer)
    ? `the demo's unguarded GET /api/public itself serves only ${openVsPeer}× the passport app's /api/me ` +
      `(under ${peer.limit}× in ${missedIn(openVsPeerRounds, underPeer)})`
    : undefined;
  // The same for its own unguarded route: no guard of GET /api/me serves more than the demo's floor, the route of the
  // demo's own app that answers /api/me's answer after the cryptography and the demo's store lookups alone.
  const floorRounds = rounds.flatMap((r) =>
    r.floor?.['demo-floor'] && r.floor['demo-open'] && r.floor['demo-guarded']
      ? [r.floor as Record<'demo-open' | 'demo-guarded' | 'demo-floor', LoadResult>]
      : [],
  );
  const floorVsOpen = floorRounds.map((r) => r['demo-floor'].rps / r['demo-open'].rps);
  const floorRatio = floorRounds.length ? round(median(floorVsOpen), 2) : undefined;
  const underOwn = (ratio: number) => ratio < own.limit;
  const ownReach = floorMisses(floorVsOpen, underOwn)
    ? `${DEMO_FLOOR} serves only ${floorRatio}× its GET /api/public (rounds ${range(floorVsOpen, 2)}; under ` +
      `${own.limit}× in ${missedIn(floorVsOpen, underOwn)})`
    : undefined;
  // Otherwise: at 0.80× the req/s, the guarded route may cost a quarter more CPU than the open one; the note compares
  // that with the minimal verifier on the bench's Koa server of the same Node.
  const openUs = m((r) => cpu(r.demo['demo-open']));
  const budget = openUs * (1 / own.limit - 1);
  const koaServer = `${nodes[0].name} koa memory`;
  const koa = e2e && steadyYardstick(e2e, koaServer) ? over(e2e, koaServer, 'minimal', 'open') : [];
  const minimalOverOpen = koa.length ? median(koa) : undefined;
  const ownYardstick =
    minimalOverOpen !== undefined && minimalOverOpen > budget
      ? `at ${own.limit}× the req/s of GET /api/public (${round(openUs, 1)} µs a request) GET /api/me may cost ` +
        `${round(budget, 1)} µs more; ${MINIMAL} costs ${round(minimalOverOpen, 1)} µs above the open route on the ` +
        `bench's ${nodes[0].name} Koa server in the same run, before the demo's SQLite lookups of client and token`
      : undefined;
  const clientBound = complete.some(
    (r) => r.demo['demo-open'].cpu.client > 0.95 || r.demo['demo-guarded'].cpu.client > 0.95,
  );
  const rps = (pick: (r: (typeof complete)[number]) => LoadResult) => grouped(m((r) => pick(r).rps));
  const us = (pick: (r: (typeof complete)[number]) => LoadResult) =>
    round(
      m((r) => cpu(pick(r))),
      1,
    );
  return [
    target({
      ...peer,
      measured: `${rps((r) => r.demo['demo-guarded'])} vs ${rps((r) => r.passport['demo-guarded'])} req/s`,
      value: round(median(vsPeer), 2),
      note:
        `ratios by round ${range(vsPeer, 2)}; server CPU ${us((r) => r.demo['demo-guarded'])} vs ` +
        `${us((r) => r.passport['demo-guarded'])} µs a request; the passport app's own open route ` +
        `${rps((r) => r.passport['demo-open'])} req/s (${us((r) => r.passport['demo-open'])} µs); the demo's ` +
        `unguarded route serves ${openVsPeer}× the passport app's /api/me` +
        (clientBound ? '; the load client was near its core’s limit on the demo' : ''),
      ...(peerReach ? { outOfReach: peerReach } : {}),
    }),
    target({
      ...own,
      measured: `${rps((r) => r.demo['demo-guarded'])} vs ${rps((r) => r.demo['demo-open'])} req/s`,
      value: round(median(vsOpen), 2),
      note:
        `ratios by round ${range(vsOpen, 2)}; server CPU ${us((r) => r.demo['demo-guarded'])} vs ` +
        `${us((r) => r.demo['demo-open'])} µs a request` +
        (floorRounds.length ? `; ${floorNote(floorRounds, floorRatio as number)}` : ''),
      ...(ownReach ? { outOfReach: ownReach } : ownYardstick ? { yardstick: ownYardstick } : {}),
    }),
  ];
}
