import { describe, expect, it } from 'vitest';
import { renderStampede } from '../../../src/report/sections/stampede.js';
import type { ResultDocument } from '../../../src/results/result-types.js';
import { makeResult } from '../fixture.js';

function withStampede(stampede: ResultDocument['stampede']): ResultDocument {
  return { ...makeResult({ requests: 1_000 }), stampede };
}

/** The text of the rendered section, tags dropped, whitespace folded. */
function text(result: ResultDocument): string {
  return String(renderStampede(result, 0, 'r0-')).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
}

describe('report stampede section', () => {
  it('counts episodes by what happened and labels each row so, never a cold miss as an expiry', () => {
    const out = text(
      withStampede({
        strategy: 'single-flight',
        expiries: [
          { at: 5_000, cause: 'event', keys: 10, waiting: 3, originCalls: 10, maxOriginCallsPerKey: 1, staleServed: 0, p99: 9 },
          { at: 6_000, cause: 'cold', keys: 1, waiting: 2, originCalls: 1, maxOriginCallsPerKey: 1, staleServed: 0, p99: 7 },
          { at: 7_000, cause: 'evicted', keys: 1, waiting: 0, originCalls: 2, maxOriginCallsPerKey: 2, staleServed: 0, p99: 7 },
        ],
        maxOriginCallsPerExpiry: 1,
        naturalExpiries: 0,
        episodes: { cold: 4_681, expired: 0, evicted: 1, event: 1 },
        waiting: 5,
      }),
    );
    expect(out).toContain('Cold misses 4,681 Expiries 0 Evictions 1 Events 1');
    expect(out).toContain('Requests that waited 5');
    expect(out).toContain('5,000 ms event 10 10 1 3');
    expect(out).toContain('6,000 ms cold miss 1 1 1 2');
    expect(out).toContain('7,000 ms eviction 1 2 2 0');
    expect(out).not.toMatch(/natural|expiries observed/i);
  });

  it('reads an older result whose causes were not told apart without calling its misses expiries', () => {
    const out = text(
      withStampede({
        strategy: 'none',
        expiries: [{ at: 1_000, cause: 'natural' as never, keys: 1, waiting: 0, originCalls: 3, maxOriginCallsPerKey: 3, staleServed: 0, p99: 4 }],
        maxOriginCallsPerExpiry: 3,
        naturalExpiries: 51,
      }),
    );
    expect(out).toContain('Cold misses and expiries (not told apart in this older result) 51');
    expect(out).toContain('miss (cold or expired)');
  });
});
