/**
 * `npm run bench -- workers`: `load.workers` scaling. The same closed-loop run (all Redis hits after
 * a warmup, msgpack decode on every request: the decode-bound case one event loop tops out on) as
 * 1 and as 2 worker threads, alternating rounds against one private redis-server, in the same run.
 * On a 2-core machine Redis shares the cores with the workers, so 2x is out of reach by design;
 * the ratio says how much of the second core a second event loop turns into throughput.
 */
import { startPrivateRedis } from '../src/redis/private-server.js';
import { runVariant } from '../src/load/run-variant.js';
import { parseScenario } from '../src/scenario/validate.js';
import type { BenchSection } from './types.js';

const ROUNDS = 3;
const REQUESTS = 120_000;

function scenario(workers: number) {
  return parseScenario({
    name: 'workers-bench',
    seed: 3,
    warmup: { requests: 20_000 },
    keys: { entities: 5000, distribution: { kind: 'zipf', exponent: 0.9 } },
    featureSets: [{ name: 'feats', payload: { floats: 50, ints: 8, strings: 2 }, ttl: { hard: '1h' } }],
    codec: { format: 'msgpack' },
    cascade: { replicas: 1, local: { enabled: false }, redis: { keyPrefix: 'fcb-workers-bench' }, source: { kind: 'simulated', latency: { fixed: '0ms' } } },
    load: { mode: 'closed', concurrency: 64, requests: REQUESTS, ...(workers > 1 ? { workers } : {}) },
    metrics: { mrc: false },
  });
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function runBench(): Promise<BenchSection> {
  const server = await startPrivateRedis();
  const rps: Record<1 | 2, number[]> = { 1: [], 2: [] };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const workers of [1, 2] as const) {
        const doc = await runVariant({ label: '', assignments: {}, scenario: scenario(workers), hash: '' }, { scenarioDir: '.', toolVersion: 'bench', redisUrl: server.url });
        rps[workers].push(doc.throughput.achievedRps);
      }
    }
  } finally {
    await server.stop();
  }
  const one = median(rps[1]);
  const two = median(rps[2]);
  return {
    title: 'workers: load.workers 2 vs 1 (closed loop, 64 in flight, all Redis hits, msgpack decode)',
    rows: [
      { workers: 1, 'req/s (median)': Math.round(one), 'vs 1 worker': 1 },
      { workers: 2, 'req/s (median)': Math.round(two), 'vs 1 worker': two / one },
    ],
    notes: [
      `${REQUESTS.toLocaleString('en-US')} measured requests after 20,000 warmup ones, medians of ${ROUNDS} alternating rounds, one private redis-server on the same machine`,
      'with 2 workers each runs 32 of the 64 virtual users and half the requests; the run ends when both are done',
    ],
  };
}
