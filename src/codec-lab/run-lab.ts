import type { Clock } from '../cascade/clock.js';
import { createCodec } from '../codec/create-codec.js';
import { formatBytes } from '../codec/describe-codec.js';
import type { TensorDtype } from '../codec/types.js';
import { endToEndNs, findCrossovers } from './crossover.js';
import { labCodecs } from './lab-codecs.js';
import { LAB_FEATURE_SET, payloadForSize, sampleValues, type LabPayload } from './lab-payloads.js';
import type { CodecRow, CodecsResult, LabCodec } from './lab-types.js';
import { DEFAULT_MEASURE_BUDGET, measureCodec, type MeasureBudget } from './measure-codec.js';
import { measureRoundTrips, type LabRedis } from './round-trip.js';

export interface LabOptions {
  /** Payloads measured with every format x compression. */
  readonly payloads: readonly LabPayload[];
  /** Sweep sizes, bytes of serialized msgpack: measured with msgpack x every compression for the crossover. */
  readonly sizes: readonly number[];
  /** Wire speed charged in the end-to-end cost, bits per second. */
  readonly bandwidthBitsPerSec: number;
  /** Float width of the tensor rows. @default 'float32' */
  readonly dtype?: TensorDtype;
  /** tinybench budgets. @default DEFAULT_MEASURE_BUDGET */
  readonly budget?: MeasureBudget;
  /** Distinct values per payload each measurement cycles through. @default SAMPLE_VALUES (32) */
  readonly samples?: number;
  /** Called before each row is measured (progress). */
  readonly onRow?: (index: number, total: number, label: string) => void;
}

export interface LabDeps {
  /** Where round trips go, or null (those columns are then null and `notes` says why). */
  readonly redis: LabRedis | null;
  readonly redisInfo: CodecsResult['redis'];
  readonly notes: readonly string[];
  readonly clock: Clock;
  readonly toolVersion: string;
  readonly env: CodecsResult['env'];
}

/** Round trips of every row, measured interleaved within each payload's rows; indexed like `rows`. */
async function roundTripsByPayload(redis: LabRedis, rows: ReadonlyArray<{ payload: string }>, examples: readonly Buffer[], nowUs: () => number) {
  const out = new Array<Awaited<ReturnType<typeof measureRoundTrips>>[number]>(rows.length);
  const payloads = [...new Set(rows.map((r) => r.payload))];
  for (const [group, payload] of payloads.entries()) {
    const indexes = rows.flatMap((r, i) => (r.payload === payload ? [i] : []));
    const trips = await measureRoundTrips(redis, String(group), indexes.map((i) => examples[i]!), nowUs);
    indexes.forEach((rowIndex, k) => (out[rowIndex] = trips[k]!));
  }
  return out;
}

interface Job {
  readonly codec: LabCodec;
  readonly payload: LabPayload;
}

/** The rows to measure, in order: every codec on every payload, then msgpack on every sweep size. */
function plan(options: LabOptions): Job[] {
  const jobs: Job[] = [];
  for (const payload of options.payloads) for (const codec of labCodecs()) jobs.push({ codec, payload });
  const sweep = options.sizes.map((bytes) => payloadForSize(bytes, formatBytes(bytes)));
  for (const payload of sweep) for (const codec of labCodecs(['msgpack'])) jobs.push({ codec, payload });
  return jobs;
}

/**
 * `fcbench codecs`: measure -> round trip -> cost -> crossover. Pure but for the injected Redis and
 * clock; prints nothing (the CLI renders the result).
 */
export async function runCodecLab(options: LabOptions, deps: LabDeps): Promise<CodecsResult> {
  const startedAt = new Date(deps.clock.wallMs()).toISOString();
  const startUs = deps.clock.nowUs();
  const jobs = plan(options);
  const samples = new Map<LabPayload, ReturnType<typeof sampleValues>>();
  const measuredRows: Array<Omit<CodecRow, 'roundTripUs' | 'redisBytes' | 'endToEndNs'>> = [];
  const examples: Buffer[] = [];
  // Codec times first, all of them, with nothing else running; then the round trips, per payload.
  for (const [index, { codec: lab, payload }] of jobs.entries()) {
    options.onRow?.(index, jobs.length, `${payload.name} ${lab.format}+${lab.compression}`);
    const values = samples.get(payload) ?? sampleValues(payload.spec, options.samples);
    samples.set(payload, values);
    const codec = createCodec({
      format: lab.format,
      compression: lab.compression,
      compressAboveBytes: 0,
      ...(lab.level === null ? {} : { level: lab.level }),
      dtype: options.dtype ?? 'float32',
      layouts: { [LAB_FEATURE_SET]: payload.spec },
    });
    const measured = await measureCodec(codec, values, options.budget ?? DEFAULT_MEASURE_BUDGET);
    examples.push(measured.example);
    measuredRows.push({
      ...lab,
      payload: payload.name,
      rawBytes: measured.rawBytes,
      encodedBytes: measured.encodedBytes,
      compressionRatio: measured.rawBytes / measured.encodedBytes,
      encodeNs: measured.encode.ns,
      decodeNs: measured.decode.ns,
      encodeNsP99: measured.encode.p99Ns,
      decodeNsP99: measured.decode.p99Ns,
      encodeRme: measured.encode.rme,
      decodeRme: measured.decode.rme,
    });
  }
  const trips = deps.redis === null ? null : await roundTripsByPayload(deps.redis, measuredRows, examples, () => deps.clock.nowUs());
  const rows: CodecRow[] = measuredRows.map((measured, i) => {
    const row = { ...measured, roundTripUs: trips?.[i]?.roundTripUs ?? null, redisBytes: trips?.[i]?.redisBytes ?? null };
    return { ...row, endToEndNs: endToEndNs(row, options.bandwidthBitsPerSec) };
  });
  const sweepNames = new Set(options.sizes.map(formatBytes));
  const sweepRows = rows.filter((row) => row.format === 'msgpack' && sweepNames.has(row.payload));
  return {
    kind: 'codecs',
    schemaVersion: 1,
    tool: { name: 'fcbench', version: deps.toolVersion },
    startedAt,
    durationMs: (deps.clock.nowUs() - startUs) / 1000,
    env: deps.env,
    redis: deps.redisInfo,
    notes: deps.notes,
    bandwidthBitsPerSec: options.bandwidthBitsPerSec,
    sizes: options.sizes,
    codecs: rows,
    crossover: findCrossovers(sweepRows, options.bandwidthBitsPerSec),
  };
}
