import { describe, expect, it } from 'vitest';
import { renderFreshness } from '../../../src/report/sections/freshness.js';
import type { ResultDocument } from '../../../src/results/result-types.js';
import { makeResult } from '../fixture.js';

describe('report: freshness with batch publications', () => {
  it('draws the outdated-serves chart and lists each publication and each replica', () => {
    const base = makeResult({ requests: 1_000 });
    const result: ResultDocument = {
      ...base,
      freshness: {
        ...base.freshness,
        publications: [
          {
            at: 4011, featureSet: 'fraud_scores', version: 'v2', publication: 'pre-commit', invalidation: 'overwrite',
            committedAt: null, publishedAt: 4011, appliedAt: 4300, rolledBackAt: 4600, changedEntities: 5960,
            outdatedServed: 0, uncommittedServed: 82, windowMs: 0, windowByTier: { local: 0, redis: 0, source: 0 }, worstReplica: null, redisCommands: 5972,
          },
        ],
        localInvalidation: { mode: 'pubsub', pointerReads: 0, replicas: [{ id: 0, received: 12, dropped: 315, latency: { count: 315, p50: 6.88, p99: 15, max: 16 } }] },
      },
    };
    const page = String(renderFreshness(result, 0, ''));
    expect(page).toContain('data-chart="freshness"');
    expect(page).toContain('fraud_scores v2');
    expect(page).toContain('pre-commit, overwrite');
    expect(page).toContain('rolled back at 4,600 ms');
    expect(page).toContain('5,972');
    expect(page).toContain('Local tier invalidation: pubsub');
    expect(page).toContain('replica 0');
  });

  it('adds nothing for a result without batch events', () => {
    const page = String(renderFreshness(makeResult({ requests: 10 }), 0, ''));
    expect(page).not.toContain('Batch publications');
    expect(page).not.toContain('data-chart="freshness"');
  });
});
