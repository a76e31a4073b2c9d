/**
 * The end-to-end targets, from the runs of bench/e2e.ts: server CPU a request above the floor (the
 * cryptography alone, measured on the same server in the same round), the guard against passport-http-oauth,
 * and `npm run demo` against the peer's app and against its own unguarded route. Medians over rounds.
 */
import type { DemoResults, EndToEndResults, NodeBinary } from './e2e';
import type { LoadResult, Route } from './http';
import { target, type Target } from './report';
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

const unmeasured = (spec: Omit<Target, 'status' | 'value' | 'measured'>, why: string) =>
  target({ ...spec, measured: 'not measured', value: null, note: why });

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
): Target {
  const runs = pairs(e2e, label, ['open', guarded, floor]);
  const base = { ...spec, unit: 'µs' as const, bound: 'max' as const };
  if (runs.length === 0) return unmeasured(base, `${label}: not run`);
  const over = runs.map(([, g, f]) => cpu(g) - cpu(f));
  const floorOverOpen = runs.map(([o, , f]) => cpu(f) - cpu(o));
  const m = (i: number) => round(median(runs.map((r) => cpu(r[i]))), 1);
  const rps = (i: number) => grouped(median(runs.map((r) => r[i].rps)));
  const unsteady =
    median(over) < 0
      ? '; UNSTEADY RUN: the guarded route cost less than the cryptography alone; rerun'
      : median(floorOverOpen) < 0
        ? '; UNSTEADY RUN: the cryptography alone cost less than the open route; rerun'
        : '';
  return target({
    ...base,
    measured: `${m(1)} vs ${m(2)} µs a request (open ${m(0)})`,
    value: round(median(over), 2),
    note:
      `server CPU µs a request above the floor by round ${range(over)}; the floor ${range(floorOverOpen)} above ` +
      `open; req/s ${rps(1)} guarded, ${rps(2)} floor, ${rps(0)} open${unsteady}`,
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
      const rows: [string, string, string, Route, Route, number][] = [
        [
          id('hmac-memory'),
          title('HMAC-SHA1, MemoryNonceCache − HMAC floor'),
          server('memory'),
          'hmac',
          'hmac-floor',
          5,
        ],
        [id('rsa-memory'), title('RSA-SHA1, MemoryNonceCache − RSA floor'), server('memory'), 'rsa', 'rsa-floor', 5],
        [id('hmac-redis'), title('HMAC-SHA1, RedisNonceCache − HMAC floor'), server('redis'), 'hmac', 'hmac-floor', 12],
      ];
      for (const [rowId, rowTitle, label, guarded, floor, limit] of rows) {
        const spec = { id: rowId, title: rowTitle, limit };
        if (!e2e) targets.push(unmeasured({ ...spec, unit: 'µs', bound: 'max' }, 'the end-to-end runs failed'));
        else if (label.endsWith('redis') && !redis) {
          targets.push(unmeasured({ ...spec, unit: 'µs', bound: 'max' }, 'redis-server is not installed'));
        } else targets.push(aboveFloor(e2e, label, guarded, floor, spec));
      }
    }
  }
  return targets;
}

/**
 * On Express, what passport-http-oauth costs over the open route against what the guard costs over it, per
 * round (same app, same requests, same rounds): the guard must cost at least 4× less.
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
    const runs = e2e ? pairs(e2e, label, ['open', 'hmac', 'passport']) : [];
    if (runs.length === 0) return unmeasured(spec, `${label}: not run`);
    const ratios = runs.map(([o, g, p]) => (cpu(p) - cpu(o)) / (cpu(g) - cpu(o)));
    const totals = runs.map(([, g, p]) => cpu(p) / cpu(g));
    const m = (i: number) => round(median(runs.map((r) => cpu(r[i]))), 1);
    return target({
      ...spec,
      measured: `${round(m(2) - m(0), 1)} vs ${round(m(1) - m(0), 1)} µs a request above open (${m(0)})`,
      value: round(median(ratios), 2),
      note: `ratios by round ${range(ratios, 2)}; whole routes ${m(2)} vs ${m(1)} µs, ${round(median(totals), 2)}×`,
    });
  });
}

/** `npm run demo` against the peer's app (req/s of GET /api/me), and against its own GET /api/public. */
export function demoTargets(demo: DemoResults | undefined): Target[] {
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
  const openVsPeer = round(median(complete.map((r) => r.demo['demo-open'].rps / r.passport['demo-guarded'].rps)), 2);
  const reach =
    openVsPeer < peer.limit
      ? `; out of reach on this machine: the demo's unguarded GET /api/public itself serves ${openVsPeer}× the ` +
        "passport app's /api/me"
      : `; the demo's unguarded route serves ${openVsPeer}× the passport app's /api/me`;
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
        `${rps((r) => r.passport['demo-open'])} req/s (${us((r) => r.passport['demo-open'])} µs)` +
        reach +
        (clientBound ? '; the load client was near its core’s limit on the demo' : ''),
    }),
    target({
      ...own,
      measured: `${rps((r) => r.demo['demo-guarded'])} vs ${rps((r) => r.demo['demo-open'])} req/s`,
      value: round(median(vsOpen), 2),
      note:
        `ratios by round ${range(vsOpen, 2)}; server CPU ${us((r) => r.demo['demo-guarded'])} vs ` +
        `${us((r) => r.demo['demo-open'])} µs a request`,
    }),
  ];
}
