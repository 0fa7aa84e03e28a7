/**
 * `npm run bench -- soak`: memory over a long run. A real run (open loop, 5,000 req/s by default,
 * Zipf over 100k entities, two replicas, a private redis-server, TTLs short enough that keys expire
 * and refill many times) for FCBENCH_SOAK_MINUTES (default 30). RSS and V8 heap are sampled at each
 * minute mark; the goal is growth under 5% from minute 5 to the end (flat memory: HDR histograms,
 * bounded episode tracking, no per-request arrays). The samples are also written as JSON to
 * results/soak-<stamp>.json so the figure in a note can be checked.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { runVariant } from '../src/load/run-variant.js';
import { utcStamp } from '../src/results/file-name.js';
import { parseScenario } from '../src/scenario/validate.js';
import type { BenchSection } from './types.js';

/** Growth from this minute on is what the goal is about: the first minutes fill caches and JIT. */
const BASELINE_MINUTE = 5;
const GOAL_GROWTH = 0.05;

interface Sample {
  minute: number;
  rssMiB: number;
  heapUsedMiB: number;
  requests: number;
  p99Ms: number;
}

export async function runBench(): Promise<BenchSection> {
  const minutes = Number(process.env['FCBENCH_SOAK_MINUTES'] ?? 30);
  const rate = Number(process.env['FCBENCH_SOAK_RATE'] ?? 5000);
  if (!(minutes >= 1 && rate > 0)) throw new Error('FCBENCH_SOAK_MINUTES must be >= 1 and FCBENCH_SOAK_RATE > 0');
  const scenario = parseScenario({
    name: 'soak',
    seed: 11,
    duration: `${minutes}m`,
    warmup: '10s',
    keys: { entities: 100_000, distribution: { kind: 'zipf', exponent: 1.1, scramble: true } },
    featureSets: [{ name: 'customer_features', version: 'v1', payload: { floats: 50, ints: 8, strings: 2 }, ttl: { hard: '2m', soft: '1m', jitter: 0.1 } }],
    cascade: {
      replicas: 2,
      local: { maxEntries: 10_000, ttl: '30s' },
      redis: { url: 'auto' },
      source: { kind: 'simulated', latency: { p50: '5ms', p99: '25ms' }, concurrency: 64 },
    },
    stampede: { strategy: 'single-flight' },
    load: { mode: 'open', rate, arrivals: 'poisson' },
    events: [{ at: '2m', kind: 'expire-hot', top: 100 }],
  });
  const samples: Sample[] = [];
  const started = Date.now();
  let measuring = false;
  let measureStartMs = 0;
  const result = await runVariant(
    { label: '', assignments: {}, scenario, hash: '' },
    {
      scenarioDir: process.cwd(),
      toolVersion: 'bench',
      env: {},
      onProgress: (phase, snapshot) => {
        if (phase !== 'measure') return;
        if (!measuring) {
          measuring = true;
          measureStartMs = Date.now();
        }
        const minute = Math.floor((Date.now() - measureStartMs) / 60_000);
        if (minute < 1 || samples.some((s) => s.minute === minute)) return;
        const memory = process.memoryUsage();
        samples.push({
          minute,
          rssMiB: memory.rss / 2 ** 20,
          heapUsedMiB: memory.heapUsed / 2 ** 20,
          requests: snapshot.requests,
          p99Ms: snapshot.p99,
        });
        process.stderr.write(`soak minute ${minute}: RSS ${(memory.rss / 2 ** 20).toFixed(1)} MiB, heap ${(memory.heapUsed / 2 ** 20).toFixed(1)} MiB\n`);
      },
    },
  );
  if (!samples.some((s) => s.minute === minutes)) {
    // The last progress call can land a few ms short of the final minute: sample the end of the run.
    const memory = process.memoryUsage();
    samples.push({ minute: minutes, rssMiB: memory.rss / 2 ** 20, heapUsedMiB: memory.heapUsed / 2 ** 20, requests: result.requests.total, p99Ms: result.latency.endToEnd.p99 });
  }
  const base = samples.find((s) => s.minute === BASELINE_MINUTE) ?? samples[0];
  const last = samples.at(-1);
  const notes: string[] = [];
  if (base !== undefined && last !== undefined) {
    const rssGrowth = last.rssMiB / base.rssMiB - 1;
    const heapGrowth = last.heapUsedMiB / base.heapUsedMiB - 1;
    notes.push(
      `RSS minute ${base.minute} -> ${last.minute}: ${base.rssMiB.toFixed(1)} -> ${last.rssMiB.toFixed(1)} MiB (${(rssGrowth * 100).toFixed(2)}%; ` +
        `goal < ${GOAL_GROWTH * 100}%: ${rssGrowth < GOAL_GROWTH ? 'met' : 'MISSED'})`,
      `heap used minute ${base.minute} -> ${last.minute}: ${base.heapUsedMiB.toFixed(1)} -> ${last.heapUsedMiB.toFixed(1)} MiB (${(heapGrowth * 100).toFixed(2)}%)`,
    );
  }
  notes.push(
    `${result.requests.total.toLocaleString('en-US')} requests in ${(result.durationMs / 60_000).toFixed(1)} min at ` +
      `${result.throughput.achievedRps.toFixed(0)} req/s achieved of ${rate} offered (dropped ${result.load.dropped}); ` +
      `${result.timeline.length} timeline buckets; wall ${((Date.now() - started) / 60_000).toFixed(1)} min`,
  );
  mkdirSync('results', { recursive: true });
  const file = `results/soak-${utcStamp(new Date())}.json`;
  writeFileSync(file, `${JSON.stringify({ minutes, rate, samples, requests: result.requests.total, achievedRps: result.throughput.achievedRps }, null, 2)}\n`);
  notes.push(`samples written to ${file}`);
  return {
    title: `Soak: memory over ${minutes} min at ${rate.toLocaleString('en-US')} req/s against a real Redis`,
    rows: samples.map((s) => ({
      minute: s.minute,
      'RSS MiB': s.rssMiB,
      'heap used MiB': s.heapUsedMiB,
      requests: s.requests,
      'p99 ms so far': s.p99Ms,
    })),
    notes,
  };
}
