import { describe, expect, it } from 'vitest';
import { IndexOpenStates } from '../../src/simulate/index-open-states.js';
import { createRng, nextInt } from '../../src/workload/rng.js';

// The tracker's open states and the in-flight loads: a hash table that must answer as a Map does through deletions that
// shift probe runs, wrap-around at the table's end and growth past the expected size.
describe('IndexOpenStates', () => {
  it('answers as a Map through seeded sets, replacements, deletes, growth and clear', () => {
    const rng = createRng(7);
    for (const [expected, keySpace] of [[4, 40], [16, 2_000_000], [64, 300], [8, 2 ** 40]] as const) {
      const table = new IndexOpenStates<{ n: number }>(expected);
      const model = new Map<number, { n: number }>();
      for (let op = 0; op < 6000; op++) {
        const key = nextInt(rng, keySpace);
        const r = rng.next();
        if (r < 0.45) {
          const state = { n: op };
          table.set(key, state);
          model.set(key, state);
        } else if (r < 0.9 || model.size === 0) {
          table.delete(key);
          model.delete(key);
        } else {
          // A key known to be there, so deletes inside long probe runs are exercised.
          const known = [...model.keys()][nextInt(rng, model.size)]!;
          table.delete(known);
          model.delete(known);
        }
        expect(table.size).toBe(model.size);
        if (op % 499 === 0) for (const [k, v] of model) expect(table.get(k)).toBe(v);
        expect(table.get(key)).toBe(model.get(key));
      }
      for (const [k, v] of model) expect(table.get(k)).toBe(v);
      table.clear();
      expect(table.size).toBe(0);
      for (const k of model.keys()) expect(table.get(k)).toBeUndefined();
    }
  });
});
