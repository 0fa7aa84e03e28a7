import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/cascade/clock.js';
import { resolveCascadeOptions } from '../../../src/cascade/options.js';
import { observedSource } from '../../../src/cascade/plugins/observed-source.js';
import { newReportTally, pluginCascade } from '../../../src/cascade/plugins/plugin-cascade.js';
import type { CascadePlugin, PluginSource } from '../../../src/cascade/plugins/plugin-types.js';
import { newTrace } from '../../../src/cascade/trace.js';
import { cascadeOptions, simulatedSource } from '../fixture.js';

/** How a plugin's answers and fcbench's observed source become a request's trace (the recorder's input). */
function setup(plugin: (source: PluginSource) => CascadePlugin, sourceOverrides = {}) {
  const clock = new FakeClock();
  const options = resolveCascadeOptions(cascadeOptions());
  const source = observedSource(simulatedSource(clock, sourceOverrides), clock, () => 60_000);
  const tally = newReportTally();
  return { cascade: pluginCascade(plugin(source), options, tally), tally };
}

describe('a plugin as a replica cascade', () => {
  it('answers a synchronous value synchronously, with the tier it reported', () => {
    const { cascade, tally } = setup(() => ({ get: (_e, _s, status) => ((status.tier = 'local'), { f0: 1 }), close() {} }));
    const trace = newTrace();
    const served = cascade.get('e1', 'credit', trace);
    expect(served).toEqual({ f0: 1 });
    expect(trace).toMatchObject({ key: 'credit:e1', servedBy: 'local', outcome: { local: 'hit', redis: 'skipped' }, originCalls: 0 });
    expect(tally).toEqual({ gets: 1, tier: 1, stale: 0 });
  });

  it('charges a source fetch made in the get to its trace, and a stale serve that fetched to a background refresh', async () => {
    const fresh = setup((source) => ({ get: (e, s, status) => ((status.tier = 'source'), (status.stale = false), source.fetch(e, s)), close() {} }));
    const trace = newTrace();
    await fresh.cascade.get('e1', 'credit', trace);
    expect(trace).toMatchObject({ servedBy: 'source', originCalls: 1, filledTtlMs: 60_000, refreshStarted: false, stale: false, outcome: { local: 'miss', redis: 'miss' } });

    const stale = setup((source) => ({
      get(e, s, status) {
        void source.fetch(e, s);
        status.tier = 'redis';
        status.stale = true;
        return { f0: 0 };
      },
      close() {},
    }));
    const staleTrace = newTrace();
    stale.cascade.get('e1', 'credit', staleTrace);
    expect(staleTrace).toMatchObject({ servedBy: 'redis', stale: 'soft-expired', originCalls: 0, refreshStarted: true, filledTtlMs: 0, outcome: { redis: 'stale' } });
  });

  it('fails with the source’s kind when its fetch failed, implementation-error otherwise, and leaves unset status unreported', async () => {
    const failing = setup((source) => ({ get: (e, s) => source.fetch(e, s), close() {} }), { errorRate: 1 });
    await expect(failing.cascade.get('e1', 'credit', newTrace())).rejects.toMatchObject({ kind: 'source-error' });
    const empty = setup(() => ({ get: () => undefined, close() {} }));
    expect(() => empty.cascade.get('e1', 'credit', newTrace())).toThrow(expect.objectContaining({ kind: 'implementation-error' }));
    const throwing = setup(() => ({ get: () => Promise.reject(new Error('boom')), close() {} }));
    await expect(throwing.cascade.get('e1', 'credit', newTrace())).rejects.toMatchObject({ kind: 'implementation-error' });
    expect(throwing.tally).toEqual({ gets: 1, tier: 0, stale: 0 });
  });
});
