import { describe, expect, it } from 'vitest';
import { resultStem } from '../../src/results/file-name.js';
import { trialOrder } from '../../src/run-scenario.js';

describe('trials', () => {
  it('file names carry the trial, so trials started in the same second never overwrite each other', () => {
    const at = new Date('2026-12-01T10:00:00.000Z');
    expect(resultStem('gate', 'codec.format=json', at, { index: 2, of: 5 })).toBe('gate-codec.format-json-trial2of5-20261201T100000Z');
    expect(resultStem('gate', '', at)).toBe('gate-20261201T100000Z');
  });

  it('runs each variant\'s trials back to back, or in rotation with --interleave', () => {
    const order = (interleave: boolean) => trialOrder(['A', 'B'], 3, interleave).map((r) => `${r.variant}${r.trial}`).join(' ');
    expect(order(false)).toBe('A1 A2 A3 B1 B2 B3');
    expect(order(true)).toBe('A1 B1 A2 B2 A3 B3');
    expect(trialOrder(['A'], 1, true)).toEqual([{ variant: 'A', trial: 1 }]);
  });
});
