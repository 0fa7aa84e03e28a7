/**
 * The driver must not be the bottleneck it measures: the highest open-loop rate it holds on local
 * hits without drops (schedule lag p99 alongside). Memory over a long run is `bench/soak.ts`.
 */
import { runVariant } from '../src/load/run-variant.js';
import { parseScenario } from '../src/scenario/validate.js';
import type { BenchSection } from './types.js';

const RATES = [10_000, 25_000, 50_000, 75_000, 100_000, 150_000];

function scenarioAt(rate: number, durationS: number) {
  return parseScenario({
    name: `driver-${rate}`,
    seed: 7,
    duration: `${durationS}s`,
    warmup: { requests: 5000 },
    keys: { entities: 1000, distribution: { kind: 'zipf', exponent: 0.99 } },
    cascade: { replicas: 1, local: { maxEntries: 5000, ttl: '1h' }, source: { kind: 'simulated', latency: { fixed: '1ms' } } },
    load: { mode: 'open', rate, arrivals: 'constant', maxInFlight: 1024 },
  });
}

async function run(rate: number, durationS: number) {
  const scenario = scenarioAt(rate, durationS);
  return runVariant(
    { label: '', assignments: {}, scenario, hash: '' },
    { scenarioDir: process.cwd(), toolVersion: 'bench', env: {} },
  );
}

export async function runBench(): Promise<BenchSection> {
  const rows: BenchSection['rows'] = [];
  let held = 0;
  for (const rate of RATES) {
    const r = await run(rate, 3);
    const ok = r.load.dropped === 0 && r.throughput.achievedRps >= 0.98 * rate;
    if (ok) held = rate;
    rows.push({
      'offered req/s': rate,
      'achieved req/s': Math.round(r.throughput.achievedRps),
      'achieved / offered': r.throughput.achievedRps / rate,
      dropped: r.load.dropped,
      'local hit ratio': r.tiers.local.hitRatio,
      'schedule lag p99 ms': r.load.scheduleLagP99,
      'e2e p99 ms': r.latency.endToEnd.p99,
    });
  }
  const notes = [`highest offered rate held without drops on local hits: ${held.toLocaleString('en-US')} req/s (target >= 50,000)`];
  return { title: 'Open-loop driver on local hits (harness overhead)', rows, notes };
}
