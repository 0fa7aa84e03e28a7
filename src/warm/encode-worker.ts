import { parentPort, workerData } from 'node:worker_threads';
import type { ResolvedTtl } from '../cascade/options.js';
import { createCodec } from '../codec/index.js';
import type { CodecOptions } from '../codec/types.js';
import { FcbenchError } from '../errors.js';
import type { FeatureFileOptions } from './parquet-input.js';
import type { WarmInput } from './warm-input.js';
import { warmEnvelope } from './warm-stamp.js';

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

async function main(): Promise<void> {
  const data = workerData as EncodeWorkerData;
  const port = parentPort!;
  let input: WarmInput;
  try {
    input = data.kind === 'parquet' ? await (await import('./parquet-input.js')).openParquetInput(data.options) : await (await import('./arrow-input.js')).openArrowInput(data.options);
  } catch (error) {
    port.postMessage(errorMessage(error));
    return;
  }
  const set = data.options.featureSet.name;
  const stamp = input.stampOf(set);
  port.postMessage({ type: 'open', version: stamp.version, writtenAtMs: stamp.writtenAtMs, total: input.total } satisfies EncodeWorkerMessage);
  const codec = createCodec(data.codec);
  let credit = 0;
  let wake: (() => void) | null = null;
  port.on('message', (message: { type: string; credit?: number }) => {
    if (message.type === 'more') credit += message.credit ?? 1;
    if (message.type === 'stop') credit = -Infinity;
    wake?.();
  });
  try {
    for await (const rows of input.batches(data.batch)) {
      while (credit <= 0) {
        if (credit === -Infinity) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
      credit--;
      const parts: Buffer[] = [];
      const offsets = new Uint32Array(rows.length + 1);
      const hardExpiresAtMs = new Float64Array(rows.length);
      let length = 0;
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!;
        const { header, expiries } = warmEnvelope(set, stamp.version, stamp.writtenAtMs, data.ttl, row.entity);
        const bytes = codec.encode(header, row.values!);
        parts.push(bytes);
        hardExpiresAtMs[i] = expiries.hardExpiresAtMs;
        length += bytes.length;
        offsets[i + 1] = length;
      }
      const packed = new Uint8Array(length);
      for (let i = 0; i < parts.length; i++) packed.set(parts[i]!, offsets[i]!);
      const message: EncodeWorkerMessage = { type: 'batch', entities: rows.map((r) => r.entity), offsets, data: packed, hardExpiresAtMs };
      port.postMessage(message, [packed.buffer, offsets.buffer, hardExpiresAtMs.buffer]);
    }
    port.postMessage({ type: 'end' } satisfies EncodeWorkerMessage);
  } catch (error) {
    port.postMessage(errorMessage(error));
  } finally {
    await input.close();
  }
}

function errorMessage(error: unknown): EncodeWorkerMessage {
  return { type: 'error', code: error instanceof FcbenchError ? error.code : 'internal', message: error instanceof Error ? error.message : String(error) };
}

// Only as a worker: worker-input.ts imports this file too, so every build (and the tests' CLI build) compiles it.
if (parentPort !== null && (workerData as Partial<EncodeWorkerData> | null)?.kind !== undefined) await main();
