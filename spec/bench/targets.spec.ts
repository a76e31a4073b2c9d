/**
 * The bench's peer row compares what two guards cost above the open route. When the machine's speed moves
 * between the runs of a round, a guarded route can read cheaper than the open route, and the ratio then means
 * nothing: the row must say so, as the floor rows do. The floor rows cite the yardstick that misses their limit too.
 * The demo's rows are out of reach only when a route no guard can beat misses their limit.
 */
import type { DemoResults, EndToEndResults, NodeBinary } from '../../bench/e2e';
import type { LoadResult, Route } from '../../bench/http';
import { demoTargets, floorTargets, peerTargets } from '../../bench/targets';

// bench/report.ts formats docs with prettier, which jest cannot load (its dynamic imports); the rows need none of it.
jest.mock('prettier', () => ({}));

const NODE: NodeBinary = { name: 'Node 20', version: 'v20', path: 'node' };

const run = (route: Route, server: number, rps = 1000) =>
  ({ route, rps, cpuUsPerRequest: { server, client: 0 }, cpu: { server: 1, client: 0.5 } }) as unknown as LoadResult;

/** Server CPU µs a request of open, guard, passport and the minimal verifier, per round. */
function results(rounds: [open: number, guard: number, passport: number, minimal: number][]): EndToEndResults {
  return {
    nodes: [{ name: NODE.name, version: NODE.version }],
    servers: [],
    warmup: [],
    rounds: rounds.map(([open, guard, passport, minimal]) => ({
      'Node 20 express peer': {
        open: run('open', open),
        hmac: run('hmac', guard),
        passport: run('passport', passport),
        minimal: run('minimal', minimal),
      },
    })),
  };
}

describe('the peer row (passport-http-oauth / guard, above open)', () => {
  it('is the median of the per-round ratios, with no warning when every route costs more than open', () => {
    const [row] = peerTargets(
      results([
        [100, 110, 150, 105],
        [100, 112, 160, 106],
        [100, 108, 140, 104],
      ]),
      [NODE],
    );
    expect(row.value).toBe(5);
    expect(row.status).toBe('pass');
    expect(row.note).not.toContain('UNSTEADY');
  });

  it("compares passport-http-oauth with the minimal verifier with the guard's contract, and cites it below 4×", () => {
    const e2e = results([
      [100, 110, 150, 105],
      [100, 110, 150, 105],
    ]);
    for (const round of e2e.rounds) {
      round['Node 20 express peer']['minimal-guard'] = run('minimal-guard', 115);
      round['Node 20 express memory'] = { open: run('open', 50), 'hmac-floor': run('hmac-floor', 54) };
      round['Node 20 express memory']['hmac-floor-plus'] = run('hmac-floor-plus', 59);
    }
    const [row] = peerTargets(e2e, [NODE]);
    expect(row.note).toContain(
      "passport-http-oauth / the minimal verifier, above open: 10×; with the guard's contract: 3.33×",
    );
    expect(row.yardstick).toContain("costs only 3.33× what the minimal verifier with the guard's contract");
  });

  it.each([
    ['the guarded route', [100, 98, 150, 105]],
    ['the passport route', [100, 110, 95, 105]],
  ] as const)('says UNSTEADY RUN when %s reads below the open route in most rounds', (_which, round) => {
    const [row] = peerTargets(results([[...round], [...round], [100, 110, 150, 105]]), [NODE]);
    expect(row.note).toContain('UNSTEADY RUN');
  });
});

/** Three like rounds of the Node 20 Koa server with memory nonces, its routes at these server CPU µs a request. */
function memoryServer(us: Partial<Record<Route, number>>): EndToEndResults {
  const round = Object.fromEntries(Object.entries(us).map(([route, server]) => [route, run(route as Route, server)]));
  return {
    nodes: [{ name: NODE.name, version: NODE.version }],
    servers: [],
    warmup: [],
    rounds: [0, 1, 2].map(() => ({ 'Node 20 koa memory': round })),
  };
}

describe('the floor rows and their yardsticks', () => {
  // A steady server: the floor above open, its known 5 µs of JavaScript read as 5 µs.
  const steady = { open: 50, 'hmac-floor': 54, 'hmac-floor-plus': 59, 'hmac-floor-param': 55, hmac: 70 };
  const rowsOf = (us: Partial<Record<Route, number>>) =>
    floorTargets(memoryServer({ ...steady, ...us }), [NODE], false);
  const row = (rows: ReturnType<typeof floorTargets>, id: string) => rows.find((r) => r.id === id);

  it("reads the minimal verifier with the guard's contract against the HMAC floor, and the guard against it", () => {
    const stick = row(rowsOf({ minimal: 58, 'minimal-guard': 62 }), 'yardstick-minimal-guard-node20-koa');
    expect(stick).toMatchObject({ value: 8, status: 'reference' });
    expect(stick?.note).toContain('the guarded route costs 8 µs above this route');
  });

  it("cites the contract's yardstick when it misses the limit and the minimal verifier alone does not", () => {
    const hmac = row(rowsOf({ minimal: 58, 'minimal-guard': 62 }), 'hmac-memory-node20-koa');
    expect(hmac).toMatchObject({ value: 16, status: 'fail' });
    expect(hmac?.yardstick).toContain("the minimal verifier with the guard's contract");
    expect(hmac?.yardstick).toContain('already costs 8.0 µs above the HMAC floor');
  });

  it('cites the minimal verifier alone when it misses the limit itself', () => {
    const hmac = row(rowsOf({ minimal: 60, 'minimal-guard': 62 }), 'hmac-memory-node20-koa');
    expect(hmac?.yardstick).toContain('already costs 6.0 µs above the HMAC floor');
    expect(hmac?.yardstick).not.toContain('contract');
  });

  it('cites no yardstick when both meet the limit', () => {
    expect(row(rowsOf({ minimal: 57, 'minimal-guard': 58 }), 'hmac-memory-node20-koa')?.yardstick).toBeUndefined();
  });

  it('reads the HMAC floor with the nonce recorded against the HMAC floor, and the guard against it', () => {
    const floor = row(rowsOf({ 'hmac-floor-nonce': 57 }), 'floor-nonce-node20-koa');
    expect(floor).toMatchObject({ value: 3, limit: 5, status: 'reference' });
    expect(floor?.note).toContain('the guarded route costs 13 µs above this route');
    expect(row(rowsOf({}), 'floor-nonce-node20-koa')).toMatchObject({ status: 'not measured' });
  });
});

describe('the Redis rows and their floor', () => {
  /** Rounds of the Node 20 Koa Redis server: open, HMAC floor, the floor with one Redis command, guarded. */
  const redisServer = (open: number, floor: number, redisFloor: number | number[], guard: number): EndToEndResults => ({
    nodes: [{ name: NODE.name, version: NODE.version }],
    servers: [],
    warmup: [],
    rounds: [0, 1, 2].map((i) => ({
      'Node 20 koa redis': {
        open: run('open', open),
        'hmac-floor': run('hmac-floor', floor),
        'hmac-floor-redis': run('hmac-floor-redis', typeof redisFloor === 'number' ? redisFloor : redisFloor[i]),
        hmac: run('hmac', guard),
      },
    })),
  });
  const rows = (e2e: EndToEndResults) => floorTargets(e2e, [NODE], true);
  const row = (e2e: EndToEndResults, id: string) => rows(e2e).find((t) => t.id === id);

  it('is out of reach when the HMAC floor with one Redis command alone costs more than 12 µs above the floor', () => {
    const e2e = redisServer(50, 55, 68, 80);
    expect(row(e2e, 'hmac-redis-node20-koa')).toMatchObject({ value: 25, status: 'out of reach' });
    expect(row(e2e, 'hmac-redis-node20-koa')?.outOfReach).toContain(
      'already costs 13.0 µs above the HMAC floor on this server, over the 12 µs limit in 3 of 3 rounds',
    );
    expect(row(e2e, 'floor-redis-node20-koa')).toMatchObject({ value: 13, status: 'reference' });
    expect(row(e2e, 'floor-redis-node20-koa')?.note).toContain('the guarded route costs 12 µs above this route');
  });

  it('fails, not out of reach, when the Redis floor costs 12 µs or less above the floor', () => {
    const target = row(redisServer(50, 55, 67, 80), 'hmac-redis-node20-koa');
    expect(target).toMatchObject({ status: 'fail' });
    expect(target?.outOfReach).toBeUndefined();
  });

  it('claims nothing when the Redis floor misses the limit by the median but not in four rounds of five', () => {
    const target = row(redisServer(50, 55, [68, 66, 68], 80), 'hmac-redis-node20-koa');
    expect(target).toMatchObject({ status: 'fail' });
    expect(target?.outOfReach).toBeUndefined();
  });

  it('claims nothing from a run whose HMAC floor read below the open route', () => {
    const target = row(redisServer(56, 55, 70, 80), 'hmac-redis-node20-koa');
    expect(target?.outOfReach).toBeUndefined();
    expect(target?.note).toContain('UNSTEADY RUN');
  });
});

describe("the demo's rows", () => {
  /** Rounds whose req/s are: the demo's open and guarded routes, and the demo floor's process: open, guarded, floor. */
  const demo = (rounds: [number, number, number, number, number][]): DemoResults => ({
    rounds: rounds.map(([open, guarded, floorOpen, floorGuarded, floor]) => ({
      demo: { 'demo-open': run('demo-open', 50, open), 'demo-guarded': run('demo-guarded', 100, guarded) },
      passport: { 'demo-open': run('demo-open', 100, 8000), 'demo-guarded': run('demo-guarded', 220, 4000) },
      floor: {
        'demo-open': run('demo-open', 50, floorOpen),
        'demo-guarded': run('demo-guarded', 100, floorGuarded),
        'demo-floor': run('demo-floor', 75, floor),
      },
    })),
  });
  const own = (results: DemoResults) => demoTargets(results, undefined, [NODE]).find((t) => t.id === 'demo-vs-open');
  /** Rounds alike but for the demo floor's req/s, one a round (its process's /api/public at 17,000). */
  const floorsOf = (floors: number[]) => demo(floors.map((floor) => [16000, 10000, 17000, 10000, floor]));

  it("is out of reach when the demo's floor serves less than 0.80× its open route in four rounds of five", () => {
    const row = own(floorsOf([12000, 13000, 12500]));
    expect(row).toMatchObject({ value: 0.63, status: 'out of reach' });
    expect(row?.outOfReach).toContain("the demo's floor");
    expect(row?.outOfReach).toContain(
      'serves only 0.74× its GET /api/public (rounds 0.71 to 0.76; under 0.8× in 3 of 3 rounds)',
    );
    expect(row?.note).toContain('floor 12,500 req/s (75 µs), /api/public 17,000 req/s (50 µs)');
  });

  it('is not out of reach when the floor serves less by the median but not in four rounds of five', () => {
    const row = own(floorsOf([12000, 15500, 12500]));
    expect(row).toMatchObject({ status: 'fail' });
    expect(row?.outOfReach).toBeUndefined();
  });

  it("is out of reach against the passport app when the demo's open route serves under 4× its /api/me", () => {
    const row = demoTargets(demo([[15000, 10000, 17000, 10000, 13600]]), undefined, [NODE])[0];
    expect(row).toMatchObject({ id: 'demo-vs-passport', status: 'out of reach' });
    expect(row.outOfReach).toContain('serves only 3.75× the passport app');
  });

  it('fails, not out of reach, when the floor serves at least 0.80× its open route', () => {
    const row = own(demo([[16000, 10000, 17000, 10000, 13600]]));
    expect(row).toMatchObject({ status: 'fail' });
    expect(row?.outOfReach).toBeUndefined();
    expect(row?.note).toContain('0.8× its /api/public in a process of its own');
  });

  it('passes when the guarded route serves 0.80× the open one, whatever the floor read', () => {
    expect(own(demo([[16000, 12800, 17000, 10000, 12000]]))).toMatchObject({ value: 0.8, status: 'pass' });
  });
});
