import { describe, expect, it } from 'vitest';
import { IndexFillTimes } from '../../src/simulate/sim-recorder.js';

// The stampede tracker tells cold, expired and evicted apart by these: "never filled" must stay
// apart from every stored time, 0 included.
describe('IndexFillTimes', () => {
  it('answers as a Map of fill times would, a time of 0 and negative times included', () => {
    const fills = new IndexFillTimes(6);
    const model = new Map<number, number>();
    const writes: [number, number][] = [[0, 0], [1, 1.5e9], [2, -3], [0, 7.25], [3, 0], [5, 1e-300]];
    for (const [key, us] of writes) {
      fills.set(key, us);
      model.set(key, us);
    }
    for (let key = 0; key < 6; key++) {
      expect(fills.has(key)).toBe(model.has(key));
      expect(fills.get(key)).toBe(model.get(key));
    }
    expect(fills.get(3)).toBe(0);
    expect(fills.get(4)).toBeUndefined();
    fills.clear();
    for (let key = 0; key < 6; key++) expect(fills.has(key)).toBe(false);
  });
});
