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

describe('LocalHitBatch ages', () => {
  it('buffered ages reach the age histogram as recording them one by one does, across buffer flushes', () => {
    const ages = createHistogram();
    const direct = createHistogram();
    const batch = new LocalHitBatch(1, 1, ages);
    const n = 2 * batch.agesUs.length + 17;
    for (let i = 0; i < n; i++) {
      const us = i === 5 ? -1 : 0.5 + ((i * 104_729) % 900_000_000);
      batch.agesUs[batch.ageCount++] = us;
      if (batch.ageCount === batch.agesUs.length) batch.flushAges();
      direct.record(us);
    }
    batch.flushAges();
    expect(ages.count).toBe(n);
    expect(ages.encode()).toBe(direct.encode());
    expect(ages.clampedCount).toBe(direct.clampedCount);
    // Cleared with the rest of the batch: nothing buffered is recorded later.
    batch.agesUs[batch.ageCount++] = 7;
    batch.clear();
    batch.flushAges();
    expect(ages.count).toBe(n);
    for (const h of [ages, direct]) h.destroy();
    batch.destroy();
  });
});
