import { describe, expect, it } from 'vitest';
import { commandDelta } from '../../src/metrics/redis-commands.js';
import { isNotReported, notReportedPaths, nullPaths } from '../../src/results/not-reported.js';
import type { ResultDocument } from '../../src/results/result-types.js';

describe('figures an implementation cannot report', () => {
  it('are nulled in place, array elements included, and optional sections are left out', () => {
    const doc = {
      tiers: { local: { hits: 7, hitRatio: 0.5 }, source: { calls: 3 } },
      timeline: [{ localHits: 1, sourceCalls: 2 }, { localHits: 4, sourceCalls: 0 }],
      coldStarts: [],
    } as unknown as ResultDocument;
    nullPaths(doc, ['tiers.local.hits', 'timeline[].localHits', 'coldStarts', 'no.such.path']);
    expect(doc).toEqual({ tiers: { local: { hits: null, hitRatio: 0.5 }, source: { calls: 3 } }, timeline: [{ localHits: null, sourceCalls: 2 }, { localHits: null, sourceCalls: 0 }] });
  });

  it('depend on what the gets reported; source calls are never among them', () => {
    const none = notReportedPaths({ tier: false, stale: false });
    const all = notReportedPaths({ tier: true, stale: true });
    expect(none).toEqual(expect.arrayContaining(['tiers.local.hitRatio', 'freshness.staleServed', 'payload.rawBytes']));
    expect(all).not.toContain('tiers.local.hitRatio');
    expect(all).not.toContain('freshness.staleServed');
    expect(all).toContain('payload.rawBytes');
    expect([...none, ...all].some((p) => p.startsWith('tiers.source') || p.startsWith('latency.endToEnd') || p.startsWith('redis.'))).toBe(false);
    expect(isNotReported({ implementation: { name: 'x', reported: { tier: true, stale: true }, notReported: all, unmappedOptions: [] } }, 'payload.rawBytes')).toBe(true);
  });
});

describe('commandDelta', () => {
  it('counts what was sent between two readings, largest first, without fcbench’s own INFO and QUIT', () => {
    const before = new Map([['get', 10], ['info', 3], ['set', 1]]);
    const after = new Map([['get', 25], ['info', 9], ['set', 1], ['del', 4], ['quit', 2]]);
    expect(Object.entries(commandDelta(before, after))).toEqual([['get', 15], ['del', 4]]);
  });
});
