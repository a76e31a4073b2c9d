/**
 * The bench's peer row compares what two guards cost above the open route. When the machine's speed moves
 * between the runs of a round, a guarded route can read cheaper than the open route, and the ratio then means
 * nothing: the row must say so, as the floor rows do.
 */
import type { EndToEndResults, NodeBinary } from '../../bench/e2e';
import type { LoadResult, Route } from '../../bench/http';
import { peerTargets } from '../../bench/targets';

// bench/report.ts formats docs with prettier, which jest cannot load (its dynamic imports); the rows need none of it.
jest.mock('prettier', () => ({}));

const NODE: NodeBinary = { name: 'Node 20', version: 'v20', path: 'node' };

/** Server CPU µs a request of open, guard, passport and the minimal verifier, per round. */
function results(rounds: [open: number, guard: number, passport: number, minimal: number][]): EndToEndResults {
  const run = (route: Route, server: number) =>
    ({ route, rps: 1000, cpuUsPerRequest: { server, client: 0 } }) as unknown as LoadResult;
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

  it.each([
    ['the guarded route', [100, 98, 150, 105]],
    ['the passport route', [100, 110, 95, 105]],
  ] as const)('says UNSTEADY RUN when %s reads below the open route in most rounds', (_which, round) => {
    const [row] = peerTargets(results([[...round], [...round], [100, 110, 150, 105]]), [NODE]);
    expect(row.note).toContain('UNSTEADY RUN');
  });
});
