import { Bench, type Task } from 'tinybench';
import type { Codec, EncodeStats, EnvelopeHeader } from '../codec/types.js';
import type { FeatureValues } from '../workload/types.js';
import { LAB_FEATURE_SET } from './lab-payloads.js';

/** tinybench budgets per task, ms. */
export interface MeasureBudget {
  /** Measuring time per task (encode, decode). @default 100 */
  readonly taskTimeMs: number;
  /** Warmup per task, run first and discarded (JIT tiers, caches). @default 25 */
  readonly warmupTimeMs: number;
}

export const DEFAULT_MEASURE_BUDGET: MeasureBudget = { taskTimeMs: 100, warmupTimeMs: 25 };

/** ns per value: median and p99 of the batch means, and tinybench's relative margin of error of the mean (%). */
export interface Timing {
  readonly ns: number;
  readonly p99Ns: number;
  readonly rme: number;
}

export interface CodecMeasurement {
  /** Means over the sample values, bytes. */
  readonly rawBytes: number;
  readonly encodedBytes: number;
  readonly encode: Timing;
  readonly decode: Timing;
  /** One encoded value (the first sample's), for the Redis round trip. */
  readonly example: Buffer;
}

const HEADER: EnvelopeHeader = { featureSet: LAB_FEATURE_SET, version: 'v1', writtenAtMs: 1_700_000_000_000, softExpiresAtMs: 0 };

let sink = 0;

function timing(task: Task | undefined, batch: number): Timing {
  const result = task?.result;
  if (result === undefined || result.state !== 'completed') throw new Error(`codec lab: task ${task?.name ?? '?'} did not complete`);
  const perValue = (ms: number) => (ms * 1e6) / batch;
  return { ns: perValue(result.latency.p50), p99Ns: perValue(result.latency.p99), rme: result.latency.rme };
}

/**
 * Encode and decode ns per value of `codec` over `values`. Each tinybench sample runs one pass over
 * all the values (a batch): a single call of a fast codec is shorter than the timer's own cost, and
 * cycling through distinct values keeps one value's bytes from being all the caches ever see. So
 * p50 and p99 are of batch means; the tail of single calls is the in-run histogram's business.
 * Also checks every value round-trips, so a broken codec fails here rather than measuring garbage.
 */
export async function measureCodec(codec: Codec, values: readonly FeatureValues[], budget: MeasureBudget = DEFAULT_MEASURE_BUDGET): Promise<CodecMeasurement> {
  const stats: EncodeStats = { rawBytes: 0, encodedBytes: 0, compressed: false };
  let rawBytes = 0;
  let encodedBytes = 0;
  const encoded = values.map((v) => {
    const bytes = codec.encode(HEADER, v, stats);
    rawBytes += stats.rawBytes;
    encodedBytes += stats.encodedBytes;
    const check = codec.decode(bytes, LAB_FEATURE_SET);
    if (!check.ok) throw new Error(`codec lab: a value does not round-trip: ${check.reason}: ${check.detail}`);
    return bytes;
  });
  const bench = new Bench({ time: budget.taskTimeMs, warmupTime: budget.warmupTimeMs, iterations: 8 });
  bench.add('encode', () => {
    for (let i = 0; i < values.length; i++) sink += codec.encode(HEADER, values[i]!).length;
  });
  bench.add('decode', () => {
    for (let i = 0; i < encoded.length; i++) sink += codec.decode(encoded[i]!, LAB_FEATURE_SET).ok ? 1 : 0;
  });
  await bench.run();
  if (sink === -1) throw new Error('unreachable');
  return {
    rawBytes: rawBytes / values.length,
    encodedBytes: encodedBytes / values.length,
    encode: timing(bench.getTask('encode'), values.length),
    decode: timing(bench.getTask('decode'), values.length),
    example: encoded[0]!,
  };
}
