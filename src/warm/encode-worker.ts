import { parentPort, workerData } from 'node:worker_threads';
import type { ResolvedTtl } from '../cascade/options.js';
import { createCodec } from '../codec/index.js';
import type { CodecOptions } from '../codec/types.js';
import { FcbenchError } from '../errors.js';
import type { FeatureFileOptions } from './parquet-input.js';
import type { WarmInput } from './warm-input.js';
import { warmEnvelope } from './warm-stamp.js';
import { createFlatMsgpackEncoder } from '../codec/msgpack-flat-encoder.js';
import { GrowableBytes } from '../codec/byte-sink.js';

/**
 * The reading and encoding half of a file warm job, on a thread of its own (see worker-input.ts):
 * opens the Parquet / Arrow file (header and schema checks included), encodes each batch with the
 * scenario's codec and posts it as one transferred buffer with offsets. Sends `ahead` batches, then
 * one more per `more` from the main thread, so memory stays a few batches.
 */

export interface EncodeWorkerData {
  kind: 'parquet' | 'arrow';
  options: FeatureFileOptions;
  codec: CodecOptions;
  ttl: ResolvedTtl;
  batch: number;
  /** Int32 cells shared with the writer: batches the worker may still post, a stop flag, a waiting flag (see CREDIT_*). */
  credit: SharedArrayBuffer;
}

/** Cells of `EncodeWorkerData.credit`. */
export const CREDIT_BATCHES = 0;
export const CREDIT_STOP = 1;
/** Set by the worker while it waits for credit: the writer then also posts a message to wake it. */
export const CREDIT_WAITING = 2;

export type EncodeWorkerMessage =
  | { type: 'open'; version: string; writtenAtMs: number; total: number | null }
  | { type: 'batch'; entities: string[]; offsets: Uint32Array; data: Uint8Array; hardExpiresAtMs: Float64Array }
  | { type: 'end' }
  | { type: 'error'; code: string; message: string };

/** One batch's encoded values, in input order, packed end to end: value i is data[offsets[i], offsets[i + 1]). */
interface EncodedBatch {
  entities: string[];
  offsets: Uint32Array<ArrayBuffer>;
  data: Uint8Array<ArrayBuffer>;
  hardExpiresAtMs: Float64Array<ArrayBuffer>;
}

/** Packs one batch's values as they are encoded, into a buffer sized by the last batch (no copy at the end). */
class BatchPacker {
  private readonly sink = new GrowableBytes();
  private entities: string[] = [];
  private offsets: Uint32Array<ArrayBuffer>;
  private expiries: Float64Array<ArrayBuffer>;

  constructor(private readonly size: number) {
    this.offsets = new Uint32Array(size + 1);
    this.expiries = new Float64Array(size);
  }

  /** Where the next value is appended, then marked with `added`. */
  get sinkForNext(): GrowableBytes {
    return this.sink;
  }

  /** Marks the value just appended to the sink as `entity`'s. */
  added(entity: string, hardExpiresAtMs: number): void {
    const i = this.entities.length;
    this.entities.push(entity);
    this.offsets[i + 1] = this.sink.length;
    this.expiries[i] = hardExpiresAtMs;
  }

  take(): EncodedBatch {
    const n = this.entities.length;
    const batch: EncodedBatch = {
      entities: this.entities,
      offsets: n === this.size ? this.offsets : this.offsets.slice(0, n + 1),
      data: this.sink.take(Math.ceil(this.sink.length * 1.1) + 1024),
      hardExpiresAtMs: n === this.size ? this.expiries : this.expiries.slice(0, n),
    };
    this.entities = [];
    this.offsets = new Uint32Array(this.size + 1);
    this.expiries = new Float64Array(this.size);
    return batch;
  }
}

async function main(): Promise<void> {
  const data = workerData as EncodeWorkerData;
  const port = parentPort!;
  let source: { stamp: { version: string; writtenAtMs: number }; total: number | null; batches: AsyncIterable<EncodedBatch>; close(): Promise<void> };
  try {
    source = await openSource(data);
  } catch (error) {
    port.postMessage(errorMessage(error));
    return;
  }
  const { stamp } = source;
  port.postMessage({ type: 'open', version: stamp.version, writtenAtMs: stamp.writtenAtMs, total: source.total } satisfies EncodeWorkerMessage);
  const credit = new Int32Array(data.credit);
  let wake: (() => void) | null = null;
  port.on('message', () => wake?.());
  try {
    for await (const batch of source.batches) {
      // Credit is read from shared memory; a message comes only when this thread said it waits.
      // A postMessage per batch woke this (busy) thread through a syscall every time, and on a
      // loaded machine the writer lost its core at each one.
      for (;;) {
        if (Atomics.load(credit, CREDIT_STOP) !== 0) return;
        if (Atomics.load(credit, CREDIT_BATCHES) > 0) break;
        Atomics.store(credit, CREDIT_WAITING, 1);
        // Checked again after saying so: credit granted in between would otherwise wake nobody.
        if (Atomics.load(credit, CREDIT_BATCHES) > 0 || Atomics.load(credit, CREDIT_STOP) !== 0) {
          Atomics.store(credit, CREDIT_WAITING, 0);
          continue;
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
      Atomics.sub(credit, CREDIT_BATCHES, 1);
      const { entities, offsets, data: packed, hardExpiresAtMs } = batch;
      const message: EncodeWorkerMessage = { type: 'batch', entities, offsets, data: packed, hardExpiresAtMs };
      port.postMessage(message, [packed.buffer, offsets.buffer, hardExpiresAtMs.buffer]);
    }
    port.postMessage({ type: 'end' } satisfies EncodeWorkerMessage);
  } catch (error) {
    port.postMessage(errorMessage(error));
  } finally {
    await source.close();
  }
}

/**
 * The file's rows encoded in batches. A MessagePack Parquet job serializes straight from the
 * decoded columns (no feature object per row: that and its garbage were half the worker's time);
 * a cell the flat encoder will not take (null, non-ASCII, a short embedding) goes the checked way,
 * which writes the same bytes or says what is wrong with the row. Anything else reads rows.
 */
async function openSource(data: EncodeWorkerData) {
  const set = data.options.featureSet.name;
  const codec = createCodec(data.codec);
  const envelope = (entity: string, stamp: { version: string; writtenAtMs: number }) => warmEnvelope(set, stamp.version, stamp.writtenAtMs, data.ttl, entity);
  if (data.kind === 'parquet' && codec.options.format === 'msgpack') {
    const parquet = await (await import('./parquet-input.js')).openParquetColumns(data.options);
    const flat = createFlatMsgpackEncoder();
    const packer = new BatchPacker(data.batch);
    const dims = data.options.featureSet.payload.embedding;
    async function* batches(): AsyncIterable<EncodedBatch> {
      for await (const group of parquet.groups()) {
        for (let start = 0; start < group.rows; start += data.batch) {
          const end = Math.min(group.rows, start + data.batch);
          const sink = packer.sinkForNext;
          for (let i = start; i < end; i++) {
            const entity = parquet.entity(group, i);
            const { header, expiries } = envelope(entity, parquet.stamp);
            const raw = flat.encodeColumns(parquet.keys, group.columns, i, dims);
            if (raw !== null) codec.appendSerialized(header, raw, sink);
            else sink.append(codec.encode(header, parquet.rowValues(group, i)!));
            packer.added(entity, expiries.hardExpiresAtMs);
          }
          yield packer.take();
        }
      }
    }
    return { stamp: parquet.stamp, total: parquet.total, batches: batches(), close: async () => undefined };
  }
  const input: WarmInput = data.kind === 'parquet' ? await (await import('./parquet-input.js')).openParquetInput(data.options) : await (await import('./arrow-input.js')).openArrowInput(data.options);
  const stamp = input.stampOf(set);
  async function* batches(): AsyncIterable<EncodedBatch> {
    const packer = new BatchPacker(data.batch);
    for await (const rows of input.batches(data.batch)) {
      for (const row of rows) {
        const { header, expiries } = envelope(row.entity, stamp);
        packer.sinkForNext.append(codec.encode(header, row.values!));
        packer.added(row.entity, expiries.hardExpiresAtMs);
      }
      yield packer.take();
    }
  }
  return { stamp, total: input.total, batches: batches(), close: () => input.close() };
}

function errorMessage(error: unknown): EncodeWorkerMessage {
  return { type: 'error', code: error instanceof FcbenchError ? error.code : 'internal', message: error instanceof Error ? error.message : String(error) };
}

// Only as a worker: worker-input.ts imports this file too, so every build (and the tests' CLI build) compiles it.
if (parentPort !== null && (workerData as Partial<EncodeWorkerData> | null)?.kind !== undefined) await main();
