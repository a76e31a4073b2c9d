/**
 * The bench's peer row compares what two guards cost above the open route. When the machine's speed moves
 * between the runs of a round, a guarded route can read cheaper than the open route, and the ratio then means
 * nothing: the row must say so, as the floor rows do. The floor rows cite the yardstick that misses their limit too.
 */
import type { EndToEndResults, NodeBinary } from '../../bench/e2e';
import type { LoadResult, Route } from '../../bench/http';
import { floorTargets, peerTargets } from '../../bench/targets';

// bench/report.ts formats docs with prettier, which jest cannot load (its dynamic imports); the rows need none of it.
jest.mock('prettier', () => ({}));

const NODE: NodeBinary = { name: 'Node 20', version: 'v20', path: 'node' };

const run = (route: Route, server: number) =>
  ({ route, rps: 1000, cpuUsPerRequest: { server, client: 0 } }) as unknown as LoadResult;

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
});
