import { describe, expect, it } from 'vitest';
import { createProgressThrottle, formatLoadOutcome, formatLoadProgress } from '../../src/cli/load-progress.js';

describe('source load progress', () => {
  it('draws the bar, the percentage, the rows and the rate', () => {
    expect(formatLoadProgress({ label: 'scores v1', rowsDone: 38_000, rowsTotal: 100_000, elapsedMs: 500 })).toBe(
      'scores v1 [#########...............]  38%  38,000/100,000 rows  76,000 rows/s',
    );
    expect(formatLoadProgress({ label: 's v', rowsDone: 0, rowsTotal: 0, elapsedMs: 0 })).toBe('s v [########################] 100%  0/0 rows  - rows/s');
  });

  it('says what a load did: loaded, extended, or nothing', () => {
    const base = { label: 'scores v1', rowsTotal: 2000, elapsedMs: 2000, table: 't', url: 'postgres://h/db' };
    expect(formatLoadOutcome({ ...base, status: 'loaded', rowsInserted: 2000 })).toBe('scores v1: loaded 2,000 rows into t at postgres://h/db in 2.0 s (1,000 rows/s)');
    expect(formatLoadOutcome({ ...base, status: 'extended', rowsInserted: 500 })).toBe('scores v1: extended with 500 rows into t at postgres://h/db in 2.0 s (250 rows/s)');
    expect(formatLoadOutcome({ ...base, status: 'skipped', rowsInserted: 0 })).toBe('scores v1: already complete in t at postgres://h/db (2,000 entities); nothing written');
  });

  it('throttles lines to the period, but never the last one', () => {
    const due = createProgressThrottle(1000);
    expect([0, 400, 999, 1000, 1500, 1600].map((t) => due(t, false))).toEqual([true, false, false, true, false, false]);
    expect(due(1601, true)).toBe(true);
  });
});
