import { describe, expect, it } from 'vitest';
import { newTrace, resetTrace } from '../../src/cascade/trace.js';
import { buildWorkload } from '../../src/load/build-workload.js';
import { parseScenario } from '../../src/scenario/validate.js';
import { buildSimContext } from '../../src/simulate/build-sim.js';
import { defaultLatencies } from '../../src/simulate/latency-models.js';
import { SimCascade } from '../../src/simulate/sim-cascade.js';
import { createIndexChooser } from '../../src/workload/key-chooser.js';

describe('SimCascade', () => {
  it('keeps background refreshes only while they can matter: the map stays bounded over many keys', () => {
    // A soft TTL of 1 s on 20k keys: every key is refreshed again and again over 200 virtual seconds.
    const scenario = parseScenario({
      name: 'refresh-bound',
      seed: 5,
      duration: '10s',
      keys: { entities: 20_000, distribution: { kind: 'uniform' } },
      featureSets: [{ name: 'fs', payload: { floats: 4, ints: 0, strings: 0 }, ttl: { hard: '1h', soft: '1s' } }],
      cascade: { replicas: 1, local: { maxEntries: 20_000, ttl: '1h' }, source: { kind: 'simulated', latency: { p50: '1ms', p99: '2ms' } } },
      stampede: { strategy: 'single-flight' },
      load: { mode: 'open', rate: 1000 },
    });
    const workload = buildWorkload(scenario, process.cwd());
    const chooser = createIndexChooser(workload.distribution, scenario.keys.entities, scenario.seed, { rng: workload.root.fork('keys') });
    const ctx = buildSimContext(scenario, workload, chooser, defaultLatencies(), 'test:sim');
    const cascade = new SimCascade(ctx);
    const trace = newTrace();
    let maxTracked = 0;
    for (let i = 0; i < 400_000; i++) {
      const atUs = i * 500;
      ctx.queue.runUntil(atUs);
      cascade.get(atUs, 0, 0, i % 20_000, resetTrace(trace));
      maxTracked = Math.max(maxTracked, cascade.trackedRefreshes);
    }
    expect(ctx.replicas[0]!.stats.refreshes).toBeGreaterThan(100_000);
    // Refreshes last a few ms; at one get per 500 µs only a handful run at once.
    expect(maxTracked).toBeLessThanOrEqual(2048);
  });
});
