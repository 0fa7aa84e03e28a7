import { performance } from 'node:perf_hooks';
import { Bench } from 'tinybench';
import { createRng } from '../src/workload/rng.js';
import { createZipfSampler } from '../src/workload/zipf.js';
import type { Rng } from '../src/workload/types.js';
import type { BenchSection } from './types.js';

/**
 * Zipf sampling speed: our rejection-inversion sampler (O(1) set-up and memory) against the
 * textbook inverse-CDF baseline (O(n) table, O(log n) binary search per sample), both drawing
 * from the same xoshiro128** stream, measured in the same run and reported as a ratio.
 */

/** Entities in the key space. */
const ENTITIES = 1_000_000;
const EXPONENTS = [0.99, 1.2] as const;
/** Samples per benchmark call, so tinybench's per-call overhead does not dominate a ~50 ns sample. */
const BATCH = 1000;
/** Measuring time per task, ms. */
const TASK_TIME_MS = 1000;
const SETUP_RUNS = 3;

/** Baseline: cumulative weights in a Float64Array; a sample is a binary search for u * total. */
class InverseCdfZipf {
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(n: number, exponent: number) {
    this.cumulative = new Float64Array(n);
    let sum = 0;
    for (let k = 0; k < n; k++) {
      sum += (k + 1) ** -exponent;
      this.cumulative[k] = sum;
    }
    this.total = sum;
  }

  /** Smallest rank whose cumulative weight exceeds u * total. */
  next(rng: Rng): number {
    const target = rng.next() * this.total;
    const cumulative = this.cumulative;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((cumulative[middle] as number) > target) high = middle;
      else low = middle + 1;
    }
    return low;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Samples per second of a completed task, or NaN if it did not complete. */
function samplesPerSec(bench: Bench, name: string): number {
  const result = bench.tasks.find((task) => task.name === name)?.result;
  if (result?.state !== 'completed') return Number.NaN;
  return (BATCH / result.period) * 1000;
}

const millions = (perSec: number): number => Math.round(perSec / 1e4) / 100;

export async function runBench(): Promise<BenchSection> {
  const rows: BenchSection['rows'] = [];
  const notes: string[] = [];
  // Defeats dead-code elimination of the sampled ranks.
  let sink = 0;

  for (const exponent of EXPONENTS) {
    const setupMs: number[] = [];
    let baseline: InverseCdfZipf | undefined;
    for (let i = 0; i < SETUP_RUNS; i++) {
      const start = performance.now();
      baseline = new InverseCdfZipf(ENTITIES, exponent);
      setupMs.push(performance.now() - start);
    }
    const inverseCdf = baseline as InverseCdfZipf;
    const setupStart = performance.now();
    const sampler = createZipfSampler(ENTITIES, exponent);
    const samplerSetupMs = performance.now() - setupStart;

    const rng = createRng(42).fork(`bench-zipf-${exponent}`);
    const bench = new Bench({ time: TASK_TIME_MS, warmupTime: 200 });
    bench.add('rng only', () => {
      let acc = 0;
      for (let i = 0; i < BATCH; i++) acc += rng.next();
      sink += acc;
    });
    bench.add('inverse-CDF', () => {
      let acc = 0;
      for (let i = 0; i < BATCH; i++) acc += inverseCdf.next(rng);
      sink += acc;
    });
    bench.add('rejection-inversion', () => {
      let acc = 0;
      for (let i = 0; i < BATCH; i++) acc += sampler.next(rng);
      sink += acc;
    });
    await bench.run();

    const baselineRate = samplesPerSec(bench, 'inverse-CDF');
    const oursRate = samplesPerSec(bench, 'rejection-inversion');
    rows.push(
      {
        exponent,
        sampler: 'inverse-CDF (baseline)',
        'Msamples/s': millions(baselineRate),
        'vs baseline': 1,
        'setup ms': Math.round(median(setupMs) * 10) / 10,
        'memory bytes': ENTITIES * 8,
      },
      {
        exponent,
        sampler: 'rejection-inversion',
        'Msamples/s': millions(oursRate),
        'vs baseline': Math.round((oursRate / baselineRate) * 100) / 100,
        'setup ms': Math.round(samplerSetupMs * 1000) / 1000,
        'memory bytes': 0,
      },
      {
        exponent,
        sampler: 'xoshiro128** next() alone',
        'Msamples/s': millions(samplesPerSec(bench, 'rng only')),
        'vs baseline': Math.round((samplesPerSec(bench, 'rng only') / baselineRate) * 100) / 100,
        'setup ms': 0,
        'memory bytes': 0,
      },
    );
  }

  notes.push(
    `n = ${ENTITIES.toLocaleString('en-US')} ranks; ${BATCH} samples per timed call; both samplers draw from the same xoshiro128** stream.`,
    'vs baseline = samples/s divided by the inverse-CDF baseline measured in the same run (higher is faster).',
    `Baseline set-up is the median of ${SETUP_RUNS} builds of its cumulative table; rejection-inversion needs no table.`,
  );
  if (sink === Number.MIN_VALUE) notes.push('unreachable');
  return { title: 'Zipf sampling: rejection-inversion vs inverse-CDF', rows, notes };
}
