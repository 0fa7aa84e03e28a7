import { parentPort, workerData } from 'node:worker_threads';
import type { ResolvedTtl } from '../cascade/options.js';
import { createCodec } from '../codec/index.js';
import type { CodecOptions } from '../codec/types.js';
import { FcbenchError } from '../errors.js';
import type { FeatureFileOptions } from './parquet-input.js';
import type { WarmInput } from './warm-input.js';
import { warmEnvelope } from './warm-stamp.js';
import { createFlatMsgpackEncoder } from '../codec/msgpack-flat-encoder.js';

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
}

export type EncodeWorkerMessage =
  | { type: 'open'; version: string; writtenAtMs: number; total: number | null }
  | { type: 'batch'; entities: string[]; offsets: Uint32Array; data: Uint8Array; hardExpiresAtMs: Float64Array }
  | { type: 'end' }
  | { type: 'error'; code: string; message: string };

/** One batch's encoded values, in input order. */
interface EncodedBatch {
  entities: string[];
  parts: Uint8Array[];
  hardExpiresAtMs: Float64Array<ArrayBuffer>;
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
  let credit = 0;
  let wake: (() => void) | null = null;
  port.on('message', (message: { type: string; credit?: number }) => {
    if (message.type === 'more') credit += message.credit ?? 1;
    if (message.type === 'stop') credit = -Infinity;
    wake?.();
  });
  try {
    for await (const batch of source.batches) {
      while (credit <= 0) {
        if (credit === -Infinity) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
      credit--;
      const offsets = new Uint32Array(batch.parts.length + 1);
      let length = 0;
      for (let i = 0; i < batch.parts.length; i++) {
        length += batch.parts[i]!.length;
        offsets[i + 1] = length;
      }
      const packed = new Uint8Array(length);
      for (let i = 0; i < batch.parts.length; i++) packed.set(batch.parts[i]!, offsets[i]!);
      const { hardExpiresAtMs } = batch;
      const message: EncodeWorkerMessage = { type: 'batch', entities: batch.entities, offsets, data: packed, hardExpiresAtMs };
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
    const dims = data.options.featureSet.payload.embedding;
    async function* batches(): AsyncIterable<EncodedBatch> {
      for await (const group of parquet.groups()) {
        for (let start = 0; start < group.rows; start += data.batch) {
          const end = Math.min(group.rows, start + data.batch);
          const batch: EncodedBatch = { entities: [], parts: [], hardExpiresAtMs: new Float64Array(end - start) };
          for (let i = start; i < end; i++) {
            const entity = parquet.entity(group, i);
            const { header, expiries } = envelope(entity, parquet.stamp);
            const raw = flat.encodeColumns(parquet.keys, group.columns, i, dims);
            batch.entities.push(entity);
            batch.parts.push(raw !== null ? codec.encodeSerialized(header, raw) : codec.encode(header, parquet.rowValues(group, i)!));
            batch.hardExpiresAtMs[i - start] = expiries.hardExpiresAtMs;
          }
          yield batch;
        }
      }
    }
    return { stamp: parquet.stamp, total: parquet.total, batches: batches(), close: async () => undefined };
  }
  const input: WarmInput = data.kind === 'parquet' ? await (await import('./parquet-input.js')).openParquetInput(data.options) : await (await import('./arrow-input.js')).openArrowInput(data.options);
  const stamp = input.stampOf(set);
  async function* batches(): AsyncIterable<EncodedBatch> {
    for await (const rows of input.batches(data.batch)) {
      const batch: EncodedBatch = { entities: [], parts: [], hardExpiresAtMs: new Float64Array(rows.length) };
      rows.forEach((row, i) => {
        const { header, expiries } = envelope(row.entity, stamp);
        batch.entities.push(row.entity);
        batch.parts.push(codec.encode(header, row.values!));
        batch.hardExpiresAtMs[i] = expiries.hardExpiresAtMs;
      });
      yield batch;
    }
  }
  return { stamp, total: input.total, batches: batches(), close: () => input.close() };
}

function errorMessage(error: unknown): EncodeWorkerMessage {
  return { type: 'error', code: error instanceof FcbenchError ? error.code : 'internal', message: error instanceof Error ? error.message : String(error) };
}

// Only as a worker: worker-input.ts imports this file too, so every build (and the tests' CLI build) compiles it.
if (parentPort !== null && (workerData as Partial<EncodeWorkerData> | null)?.kind !== undefined) await main();
