import { describe, expect, it } from 'vitest';
import { formatSummary } from '../../../src/cli/format-summary.js';
import { renderCapacity } from '../../../src/report/sections/capacity.js';
import type { ResultDocument } from '../../../src/results/result-types.js';
import { makeResult } from '../fixture.js';

/** The text of the rendered section, tags dropped, whitespace folded. */
function text(result: ResultDocument): string {
  return String(renderCapacity(result, 0, 'r0-')).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
}

describe('report capacity section without curves', () => {
  it('says the curve worker failed when the result says so, not that curves were off', () => {
    const result: ResultDocument = { ...makeResult({ requests: 1_000 }), capacityError: 'the miss-ratio curve worker failed (out of memory): no curves; every other figure is whole' };
    delete result.capacity;
    const out = text(result);
    expect(out).toContain('No miss-ratio curves: the miss-ratio curve worker failed (out of memory)');
    expect(out).not.toContain('metrics.mrc: false');
    // The terminal summary says it too: a result without its capacity section is not silent.
    expect(formatSummary(result)).toContain('NOTE: the miss-ratio curve worker failed (out of memory)');
  });

  it('otherwise names the usual reasons', () => {
    const result = makeResult({ requests: 1_000 });
    delete result.capacity;
    expect(text(result)).toContain('metrics.mrc: false, or an older result');
  });
});
