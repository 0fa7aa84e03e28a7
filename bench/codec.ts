/**
 * Codec costs: encode/decode µs and stored bytes for every format x compression on a small and a
 * large feature payload, plus the envelope's overhead as a ratio against the bare serializer
 * measured in the same run, and the msgpack key-decoding strategies.
 */
import { Decoder, Encoder } from '@msgpack/msgpack';
import { Bench, type Task } from 'tinybench';
import { createCodec, describeCodec, type MsgpackKeyDecoding } from '../src/codec/index.js';
import type { Codec, CodecOptions, CompressionKind, EncodeStats, EnvelopeHeader, SerializerFormat } from '../src/codec/types.js';
import type { FeatureValues } from '../src/workload/types.js';
import { measureCodec } from '../src/codec-lab/measure-codec.js';
import type { BenchSection } from './types.js';

/** Time budget per task, ms: ~100 tasks keep the section well under 30 s. */
const TASK_TIME_MS = 120;
const WARMUP_TIME_MS = 25;

const FORMATS: ReadonlyArray<'json' | 'msgpack'> = ['json', 'msgpack'];
const COMPRESSIONS: readonly CompressionKind[] = ['none', 'deflate', 'gzip', 'zstd', 'lz4'];
const KEY_DECODINGS: readonly MsgpackKeyDecoding[] = ['hashed', 'library-default', 'uncached'];
const HEADER: EnvelopeHeader = { featureSet: 'credit_features', version: 'v7', writtenAtMs: 1_700_000_000_000, softExpiresAtMs: 1_700_000_300_000 };

/** Deterministic pseudo-random doubles in [0, 1) (xorshift32): no Math.random, same bytes every run. */
function numberStream(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4_294_967_296;
  };
}

/** 50 float64 features, 8 ints, 2 twelve-character strings; `embedding` adds a float vector. `seed` picks the values. */
function buildPayload(embedding: number, seed = 42): FeatureValues {
  const next = numberStream(seed);
  const values: FeatureValues = {};
  for (let i = 0; i < 50; i++) values[`f${i}`] = (next() - 0.5) * 1000;
  for (let i = 0; i < 8; i++) values[`i${i}`] = Math.floor(next() * 100_000);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  for (let i = 0; i < 2; i++) {
    let text = '';
    for (let c = 0; c < 12; c++) text += letters[Math.floor(next() * letters.length)];
    values[`s${i}`] = text;
  }
  if (embedding > 0) values['emb'] = Array.from({ length: embedding }, () => next() * 2 - 1);
  return values;
}

let sink = 0;

function medianUs(task: Task | undefined): number {
  const result = task?.result;
  if (result === undefined || result.state !== 'completed') throw new Error(`bench task ${task?.name ?? '?'} did not complete`);
  return result.latency.p50 * 1000;
}

interface Measured {
  encodeUs: number;
  decodeUs: number;
}

function measure(bench: Bench, label: string, encode: () => void, decode: () => void): () => Measured {
  bench.add(`${label} encode`, encode);
  bench.add(`${label} decode`, decode);
  return () => ({ encodeUs: medianUs(bench.getTask(`${label} encode`)), decodeUs: medianUs(bench.getTask(`${label} decode`)) });
}

export async function runBench(): Promise<BenchSection> {
  const bench = new Bench({ name: 'codec', time: TASK_TIME_MS, warmupTime: WARMUP_TIME_MS, iterations: 32 });
  const payloads = [
    { name: 'small', values: buildPayload(0) },
    { name: 'large', values: buildPayload(768) },
  ];
  const pending: Array<() => Record<string, string | number>> = [];

  for (const payload of payloads) {
    const { values } = payload;
    // Raw baselines: what an application would do with the serializer alone, no envelope.
    const jsonText = Buffer.from(JSON.stringify(values));
    const rawJson = measure(bench, `${payload.name} raw json`, () => {
      sink += Buffer.from(JSON.stringify(values)).length;
    }, () => {
      sink += Object.keys(JSON.parse(jsonText.toString('utf8')) as object).length;
    });
    const encoder = new Encoder();
    const decoder = new Decoder();
    const packed = encoder.encode(values);
    const rawMsgpack = measure(bench, `${payload.name} raw msgpack`, () => {
      sink += encoder.encode(values).length;
    }, () => {
      sink += Object.keys(decoder.decode(packed) as object).length;
    });
    const rawFor: Record<'json' | 'msgpack', { measured: () => Measured; bytes: number }> = {
      json: { measured: rawJson, bytes: jsonText.length },
      msgpack: { measured: rawMsgpack, bytes: packed.length },
    };
    for (const [format, raw] of Object.entries(rawFor)) {
      pending.push(() => ({ payload: payload.name, codec: `raw ${format} (baseline)`, rawBytes: raw.bytes, encodedBytes: raw.bytes, ...raw.measured(), encodeX: 1, decodeX: 1 }));
    }

    for (const format of FORMATS) {
      for (const compression of COMPRESSIONS) {
        const options: CodecOptions = { format, compression, compressAboveBytes: 0 };
        pending.push(addCodecRow(bench, payload.name, values, createCodec(options), describeCodec(options), rawFor[format].measured));
      }
    }
    // tensor: laid out by the payload's spec; compared with the bare msgpack serializer like msgpack rows are.
    const spec = { floats: 50, ints: 8, strings: 2, embedding: payload.name === 'large' ? 768 : 0 };
    for (const compression of ['none', 'zstd', 'lz4'] as const) {
      const options: CodecOptions = { format: 'tensor', compression, compressAboveBytes: 0, layouts: { [HEADER.featureSet]: spec } };
      pending.push(addCodecRow(bench, payload.name, values, createCodec(options), describeCodec(options), rawMsgpack));
    }
    for (const keyDecoding of KEY_DECODINGS) {
      const options: CodecOptions = { format: 'msgpack', compression: 'none', compressAboveBytes: 0 };
      const codec = createCodec(options, { msgpackKeyDecoding: keyDecoding });
      pending.push(addCodecRow(bench, payload.name, values, codec, `msgpack keys:${keyDecoding}`, rawMsgpack));
    }
  }

  await bench.run();
  const rows = pending.map((row) => row());
  rows.push(...(await tensorGoal()));
  if (sink === -1) rows.push({ payload: 'never' });
  return {
    title: 'Codecs: encode/decode µs (median) and stored bytes per value',
    rows,
    notes: [
      'small = 50 float64 + 8 ints + 2 strings; large = small + a 768-float embedding. Compression always on (compressAboveBytes 0), level 1.',
      'encodeX / decodeX = codec time / bare serializer time for the same format in this run (raw json = JSON.stringify + Buffer.from / toString + JSON.parse; raw msgpack = reused Encoder.encode / default Decoder.decode).',
      'encodedBytes include the envelope header (34 B + version + feature-set name).',
      'msgpack keys:* rows compare map-key decoding: hashed (the codec default), the library\'s shared CachedKeyDecoder, none.',
      'tensor rows: values laid out by the spec (float32), typed-array views on decode; encodeX/decodeX against raw msgpack.',
      'goal rows: batched (each sample decodes 32 distinct values, the codec lab\'s method), tensor vs the msgpack codec in the same run.',
    ],
  };
}

/** The tensor goal: decoding the small payload takes <= 2 µs and is >= 5x faster than msgpack decode, same run. */
async function tensorGoal(): Promise<Array<Record<string, string | number>>> {
  const spec = { floats: 50, ints: 8, strings: 2, embedding: 0 };
  const values = Array.from({ length: 32 }, (_, i) => buildPayload(0, i + 1));
  const budget = { taskTimeMs: 400, warmupTimeMs: 100 };
  const msgpack = await measureCodec(createCodec({ format: 'msgpack', compression: 'none', compressAboveBytes: 0 }), values, budget);
  const tensor = await measureCodec(createCodec({ format: 'tensor', compression: 'none', compressAboveBytes: 0, layouts: { lab: spec } }), values, budget);
  return [
    { payload: 'small', codec: 'goal: msgpack decode (baseline)', decodeUs: msgpack.decode.ns / 1000, decodeX: 1, target: '' },
    { payload: 'small', codec: 'goal: tensor decode', decodeUs: tensor.decode.ns / 1000, decodeX: tensor.decode.ns / msgpack.decode.ns, target: '<= 2 µs and decodeX <= 0.2' },
  ];
}

function addCodecRow(
  bench: Bench,
  payloadName: string,
  values: FeatureValues,
  codec: Codec,
  label: string,
  raw: () => Measured,
): () => Record<string, string | number> {
  const stats: EncodeStats = { rawBytes: 0, encodedBytes: 0, compressed: false };
  const bytes = codec.encode(HEADER, values, stats);
  const check = codec.decode(bytes, HEADER.featureSet);
  if (!check.ok) throw new Error(`${label} does not round-trip: ${check.reason} ${check.detail}`);
  const name = `${payloadName} ${label}`;
  bench.add(`${name} encode`, () => {
    sink += codec.encode(HEADER, values).length;
  });
  bench.add(`${name} decode`, () => {
    const result = codec.decode(bytes, HEADER.featureSet);
    sink += result.ok ? 1 : 0;
  });
  return () => {
    const encodeUs = medianUs(bench.getTask(`${name} encode`));
    const decodeUs = medianUs(bench.getTask(`${name} decode`));
    const base = raw();
    return {
      payload: payloadName,
      codec: label,
      rawBytes: stats.rawBytes,
      encodedBytes: stats.encodedBytes,
      encodeUs,
      decodeUs,
      encodeX: encodeUs / base.encodeUs,
      decodeX: decodeUs / base.decodeUs,
    };
  };
}
