import { describe, expect, it } from 'vitest';
import { createHistogram } from '../../src/metrics/histogram.js';
import { LocalHitBatch } from '../../src/metrics/local-hit-batch.js';

// The batch keeps a bucket's first few hundred delayed hits as values and spills the rest into a
// histogram; whichever way a value went, what reaches the recorder must be the same histogram.
describe('LocalHitBatch end-to-end times', () => {
  for (const n of [0, 3, 256, 257, 5_000]) {
    it(`${n} delayed hits give the histogram recording them one by one gives, clamped values included`, () => {
      const ages = createHistogram();
      const batch = new LocalHitBatch(2, 3, ages);
      const direct = createHistogram();
      const viaBatch = createHistogram();
      for (let i = 0; i < n; i++) {
        // Spread over the range, with a negative and an over-range value to clamp.
        const us = i === 1 ? -5 : i === 2 ? 10 * 3_600_000_000 : 1 + ((i * 7_919) % 250_000) + 0.4;
        batch.recordEndToEnd(us);
        direct.record(us);
      }
      batch.addEndToEndTo(viaBatch);
      expect(viaBatch.count).toBe(n);
      expect(viaBatch.encode()).toBe(direct.encode());
      expect(viaBatch.clampedCount).toBe(direct.clampedCount);
      // A flush forgets them: the next bucket starts empty.
      batch.clear();
      const after = createHistogram();
      batch.addEndToEndTo(after);
      expect(after.count).toBe(0);
      for (const h of [ages, direct, viaBatch, after]) h.destroy();
      batch.destroy();
    });
  }
});
