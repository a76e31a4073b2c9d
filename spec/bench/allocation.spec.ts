import { ALLOCATION_NODE_FLAGS, allocationLine, type AllocationResults } from '../../bench/allocation';
import { runBenchChild } from '../../bench/support/child';

/** bench/allocation.ts as `npm run bench` runs it: a child with the young generation it needs. */
const measure = () => runBenchChild<AllocationResults>('allocation.ts', ALLOCATION_NODE_FLAGS);

describe('bench/allocation.ts: bytes allocated a verified request', () => {
  it('measures every case in batches free of garbage collection, each verifying its requests', () => {
    const { bytes, batches } = measure();
    expect(Object.keys(bytes).sort()).toEqual(['express', 'floor', 'koa', 'minimal']);
    expect(batches).toBeGreaterThan(1);
    // What each case does more than the one before it allocates more: a reading of 0 would be a broken measurement.
    expect(bytes.floor).toBeGreaterThan(0);
    expect(bytes.minimal).toBeGreaterThan(bytes.floor);
    expect(bytes.koa).toBeGreaterThan(bytes.minimal);
    expect(bytes.express).toBeGreaterThan(bytes.minimal);
    expect(allocationLine({ bytes, batches, callsPerBatch: 1 })).toContain(`the Koa guard ${bytes.koa}`);
  }, 60_000);
});
