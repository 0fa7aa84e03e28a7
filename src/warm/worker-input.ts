import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ResolvedTtl } from '../cascade/options.js';
import type { CodecOptions } from '../codec/types.js';
import { FcbenchError } from '../errors.js';
import { CREDIT_BATCHES, CREDIT_STOP, CREDIT_WAITING, type EncodeWorkerData, type EncodeWorkerMessage } from './encode-worker.js';
// A side-effect-free import (the worker body runs only inside a worker): it puts encode-worker.js in every build.
import './encode-worker.js';
import type { FeatureFileOptions } from './parquet-input.js';
import type { WarmInput, WarmRow } from './warm-input.js';

/**
 * A Parquet / Arrow warm input whose reading and encoding run on a worker thread, so the main
 * thread only pipelines bytes to Redis (the part a raw client does too) while the next batches are
 * decoded and encoded beside it. The bytes are the same as encoding here: same codec, same stamp,
 * same jitter. Null when the worker's compiled file is not there (running from TypeScript sources):
 * the caller then reads in-thread.
 */

const WORKER_URL = new URL('./encode-worker.js', import.meta.url);
/** Batches the worker may encode ahead of the writer. */
const AHEAD = 8;
/**
 * A worker waiting for credit is woken once this much has piled up, not per batch: each wake-up is
 * a syscall that, on a loaded machine, cost the writer its core (a seventh of its time at one per batch).
 */
const WAKE_AT = 4;

export async function openWorkerInput(kind: 'parquet' | 'arrow', options: FeatureFileOptions, codec: CodecOptions, ttl: ResolvedTtl, batch: number): Promise<WarmInput | null> {
  if (!existsSync(fileURLToPath(WORKER_URL))) return null;
  const credit = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
  // Encoding starts as soon as the file is open: the first batches are ready when the writer asks.
  credit[CREDIT_BATCHES] = AHEAD;
  const wakeIfWaiting = () => {
    if (Atomics.exchange(credit, CREDIT_WAITING, 0) === 1) worker.postMessage({ type: 'wake' });
  };
  const grant = (batches: number) => {
    if (Atomics.add(credit, CREDIT_BATCHES, batches) + batches >= WAKE_AT) wakeIfWaiting();
  };
  const data: EncodeWorkerData = { kind, options, codec, ttl, batch, credit: credit.buffer as SharedArrayBuffer };
  const worker = new Worker(WORKER_URL, { workerData: data });
  const queue: EncodeWorkerMessage[] = [];
  let waiting: ((message: EncodeWorkerMessage) => void) | null = null;
  const deliver = (message: EncodeWorkerMessage) => {
    if (waiting !== null) {
      const resolve = waiting;
      waiting = null;
      resolve(message);
    } else queue.push(message);
  };
  worker.on('message', deliver);
  worker.on('error', (error) => deliver({ type: 'error', code: 'internal', message: error.message }));
  worker.on('exit', () => deliver({ type: 'end' }));
  const next = (): Promise<EncodeWorkerMessage> => (queue.length > 0 ? Promise.resolve(queue.shift()!) : new Promise((resolve) => (waiting = resolve)));
  const raise = (message: Extract<EncodeWorkerMessage, { type: 'error' }>): never => {
    throw new FcbenchError(message.code === 'bad-input' || message.code === 'environment' ? message.code : 'bad-input', message.message);
  };
  const first = await next();
  if (first.type === 'error') {
    await worker.terminate();
    raise(first);
  }
  if (first.type !== 'open') {
    await worker.terminate();
    throw new Error('warm worker ended before opening its input');
  }
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    Atomics.store(credit, CREDIT_STOP, 1);
    wakeIfWaiting();
    await worker.terminate();
  };
  const set = options.featureSet.name;
  return {
    name: options.file,
    total: first.total,
    stampOf: () => ({ version: first.version, writtenAtMs: first.writtenAtMs }),
    async *batches() {
      try {
        for (;;) {
          const message = await next();
          if (message.type === 'end') return;
          if (message.type === 'error') raise(message);
          if (message.type !== 'batch') continue;
          grant(1);
          const buffer = Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength);
          const rows: WarmRow[] = message.entities.map((entity, i) => ({
            entity,
            featureSet: set,
            values: null,
            encoded: { bytes: buffer.subarray(message.offsets[i]!, message.offsets[i + 1]!), hardExpiresAtMs: message.hardExpiresAtMs[i]! },
          }));
          yield rows;
        }
      } finally {
        await close();
      }
    },
    close,
  };
}
