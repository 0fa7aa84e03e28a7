/**
 * `npm run bench -- mrc`: what recording miss-ratio curves costs. Closed-loop runs on local hits
 * (the cheapest request, so the largest relative overhead), 64 in flight, alternately with
 * `metrics.mrc: true` and `false`, three rounds each, in the same process. Goal: curves cost at
 * most 10% of the throughput without them. Also the raw cost per access of the exact and SHARDS
 * counters, against a bare Map.get/set over the same keys.
 */
import { createExactCounter, createShardsCounter } from '../src/capacity/shards.js';
import { runVariant } from '../src/load/run-variant.js';
import { parseScenario } from '../src/scenario/validate.js';
import { createRng } from '../src/workload/rng.js';
import { createZipfSampler } from '../src/workload/zipf.js';
import type { BenchSection } from './types.js';

const ROUNDS = 5;
const REQUESTS = 300_000;

function scenario(mrc: boolean) {
  return parseScenario({
    name: `mrc-${mrc ? 'on' : 'off'}`,
    seed: 7,
    warmup: { requests: 20_000 },
    keys: { entities: 5000, distribution: { kind: 'zipf', exponent: 0.99 } },
    cascade: { replicas: 2, local: { maxEntries: 10_000, ttl: '1h' }, source: { kind: 'simulated', latency: { fixed: '0ms' } } },
    load: { mode: 'closed', concurrency: 64, requests: REQUESTS },
    metrics: { mrc },
  });
}

async function throughput(mrc: boolean): Promise<number> {
  const r = await runVariant({ label: '', assignments: {}, scenario: scenario(mrc), hash: '' }, { scenarioDir: process.cwd(), toolVersion: 'bench', env: {} });
  return r.throughput.achievedRps;
}

/** ns per access of `access` over a Zipf stream of 2M accesses on 1M keys. */
function nsPerAccess(access: (key: string) => void): number {
  const zipf = createZipfSampler(1_000_000, 1.0);
  const rng = createRng(3);
  const keys = Array.from({ length: 2_000_000 }, () => String(zipf.next(rng)));
  const started = performance.now();
  for (const key of keys) access(key);
  return ((performance.now() - started) * 1e6) / keys.length;
}

export async function runBench(): Promise<BenchSection> {
  const on: number[] = [];
  const off: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    off.push(await throughput(false));
    on.push(await throughput(true));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  // Each round's pair ran back to back: the median of their ratios is steadier than a ratio of medians on a shared machine.
  const ratio = median(on.map((x, i) => x / off[i]!));
  const map = new Map<string, number>();
  const baseNs = nsPerAccess((key) => map.set(key, (map.get(key) ?? 0) + 1));
  const exact = createExactCounter();
  const exactNs = nsPerAccess((key) => exact.access(key));
  const sampled = createShardsCounter(0.01);
  const shardsNs = nsPerAccess((key) => sampled.access(key));
  return {
    title: `Miss-ratio curves: closed-loop local hits, 64 in flight, ${REQUESTS.toLocaleString('en-US')} requests (median of ${ROUNDS} back-to-back pairs)`,
    rows: [
      { 'metrics.mrc': 'false', 'req/s': Math.round(median(off)), ratio: 1 },
      { 'metrics.mrc': 'true', 'req/s': Math.round(median(on)), ratio },
      { 'metrics.mrc': 'exact counter alone, ns/access', 'req/s': Math.round(exactNs), ratio: exactNs / baseNs },
      { 'metrics.mrc': 'SHARDS 1% (+ exact to 65,536) alone, ns/access', 'req/s': Math.round(shardsNs), ratio: shardsNs / baseNs },
    ],
    notes: [
      `goal: curves cost <= 10% of local-hit throughput: ${ratio >= 0.9 ? 'met' : 'NOT met'} (${((1 - ratio) * 100).toFixed(1)}% slower)`,
      `every round, req/s without: ${off.map(Math.round).join(', ')}; with: ${on.map(Math.round).join(', ')}`,
      `counter rows: ns per access over 2M Zipf accesses on 1M keys; ratio against a bare Map get+set (${baseNs.toFixed(0)} ns)`,
    ],
  };
}
