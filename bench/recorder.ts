import * as hdr from 'hdr-histogram-js';
import { Bench } from 'tinybench';
import { newTrace, type Trace } from '../src/cascade/trace.js';
import { createRecorder } from '../src/metrics/recorder.js';
import {
  histogramImplementation,
  HISTOGRAM_HIGHEST_US, HISTOGRAM_LOWEST_US, HISTOGRAM_SIGNIFICANT_DIGITS,
} from '../src/metrics/histogram.js';
import type { BenchSection } from './types.js';

/**
 * The recorder's cost per finished request (`recorder.record`) against one raw hdr-histogram-js
 * `recordValue` (JS and WASM builds) measured in the same run. The recorder records ~7 histogram
 * values plus counters, the timeline and stampede tracking, so a ratio of 5-10x one raw record
 * is the expected shape; what matters is that it stays far below a local hit's ~150 ns budget
 * multiplied by the request rate the driver can reach.
 */

/** Calls per benchmark iteration, so tinybench's own per-call overhead does not dominate. */
const BATCH = 1000;
const TASK_TIME_MS = 1000;
/** Simulated gap between completions: 10 µs = 100k requests/s, so timeline buckets roll over. */
const STEP_US = 10;
const KEYS = 10_000;

function rawHistogram(useWebAssembly: boolean): hdr.Histogram {
  if (useWebAssembly) hdr.initWebAssemblySync();
  return hdr.build({
    lowestDiscernibleValue: HISTOGRAM_LOWEST_US,
    highestTrackableValue: HISTOGRAM_HIGHEST_US,
    numberOfSignificantValueDigits: HISTOGRAM_SIGNIFICANT_DIGITS,
    autoResize: false,
    useWebAssembly,
  });
}

function localHitTrace(): Trace {
  const t = newTrace();
  t.servedBy = 'local';
  t.outcome.local = 'hit';
  t.us.localGet = 1;
  t.ageMs = 1200;
  return t;
}

function redisHitTrace(): Trace {
  const t = newTrace();
  t.servedBy = 'redis';
  t.outcome.local = 'miss';
  t.outcome.redis = 'hit';
  t.us.localGet = 1;
  t.us.redisGet = 85;
  t.us.decode = 20;
  t.ageMs = 30_000;
  return t;
}

/** One in ten requests a source fetch (opens and refills natural expiry episodes), the rest local hits. */
function mixedTraces(): Trace[] {
  const fetch = newTrace();
  fetch.servedBy = 'source';
  fetch.outcome.local = 'miss';
  fetch.outcome.redis = 'miss';
  fetch.outcome.source = 'hit';
  fetch.originCalls = 1;
  fetch.rawBytes = 1400;
  fetch.encodedBytes = 600;
  Object.assign(fetch.us, { localGet: 1, redisGet: 80, sourceFetch: 8000, encode: 6, redisSet: 70 });
  return Array.from({ length: 10 }, (_, i) => (i === 0 ? fetch : localHitTrace()));
}

function nsPerCall(bench: Bench, name: string): number {
  const result = bench.tasks.find((task) => task.name === name)?.result;
  if (result?.state !== 'completed') return Number.NaN;
  return (result.period * 1e6) / BATCH;
}

export async function runBench(): Promise<BenchSection> {
  const keys = Array.from({ length: KEYS }, (_, i) => `fcb:credit:v7:${i}`);
  const values = Array.from({ length: 1024 }, (_, i) => 50 + ((i * 7919) % 5000));
  const rawJs = rawHistogram(false);
  const rawWasm = rawHistogram(true);
  const recorder = createRecorder();
  recorder.start(0);
  let nowUs = 0;
  let n = 0;

  const recordBatch = (traces: readonly Trace[]): void => {
    for (let i = 0; i < BATCH; i++) {
      const t = traces[n % traces.length] as Trace;
      t.key = keys[n % KEYS] as string;
      nowUs += STEP_US;
      recorder.record(t, nowUs - 120, nowUs - 110, nowUs, n & 3);
      n++;
    }
  };
  const local = [localHitTrace()];
  const redis = [redisHitTrace()];
  const mixed = mixedTraces();

  const bench = new Bench({ time: TASK_TIME_MS, warmup: true });
  bench
    .add('raw hdr recordValue (JS)', () => {
      for (let i = 0; i < BATCH; i++) rawJs.recordValue(values[i & 1023] as number);
    })
    .add('raw hdr recordValue (WASM)', () => {
      for (let i = 0; i < BATCH; i++) rawWasm.recordValue(values[i & 1023] as number);
    })
    .add('recorder.record: local hit', () => recordBatch(local))
    .add('recorder.record: redis hit', () => recordBatch(redis))
    .add('recorder.record: 10% source fetches', () => recordBatch(mixed));
  await bench.run();

  const js = nsPerCall(bench, 'raw hdr recordValue (JS)');
  const wasm = nsPerCall(bench, 'raw hdr recordValue (WASM)');
  const rows: BenchSection['rows'] = bench.tasks.map((task) => {
    const ns = nsPerCall(bench, task.name);
    return { task: task.name, nsPerCall: Math.round(ns * 10) / 10, vsRawJs: Math.round((ns / js) * 100) / 100, vsRawWasm: Math.round((ns / wasm) * 100) / 100 };
  });
  const summary = recorder.finish(nowUs);
  recorder.close();
  rawWasm.destroy();

  return {
    title: 'Recorder overhead per request',
    rows,
    notes: [
      `ns per call, ${BATCH} calls per iteration; ratios are against one raw hdr recordValue measured in this run.`,
      `The recorder uses the ${histogramImplementation().toUpperCase()} hdr build; it records end-to-end, tier, component, schedule-lag and age values per request.`,
      `Recorded ${summary.requests.total.toLocaleString('en-US')} requests over ${summary.timeline.length} simulated timeline buckets (${STEP_US} µs apart).`,
    ],
  };
}
