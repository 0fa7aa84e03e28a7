import { describe, expect, it } from 'vitest';
import { fnv1a } from '../../src/load/routing.js';
import { fnv1aOfIndex } from '../../src/simulate/build-sim.js';
import { entityId } from '../../src/workload/key-chooser.js';

// Affinity routing must send an entity where the real router sends its id string.
describe('fnv1aOfIndex', () => {
  it('is fnv1a of the entity id, every digit count and power-of-ten edge included', () => {
    const edges = [0, 1, 9, 10, 11, 99, 100, 999_999, 1_000_000, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 9_007_199_254_740_991];
    for (const e of edges) expect(fnv1aOfIndex(e)).toBe(fnv1a(entityId(e)));
    for (let e = 0; e < 2_000_000; e += 7) if (fnv1aOfIndex(e) !== fnv1a(entityId(e))) expect(fnv1aOfIndex(e)).toBe(fnv1a(entityId(e)));
  });
});
