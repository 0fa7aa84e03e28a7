import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Trace } from '../cascade/trace.js';
import { createCapacityTracker, samplingRateFor, type CapacityHistograms } from './capacity-tracker.js';
import { DistanceHistogram } from './distance-histogram.js';
// A side-effect-free import (the worker body runs only inside a worker): it puts curve-worker.js in every build.
import './curve-worker.js';
import { REDIS_STREAM, type CurveWorkerData, type CurveWorkerReply, type CurveWorkerRequest, type SerializedHistogram } from './curve-worker.js';

/**
 * A run's miss-ratio curve tracking, as the runner uses it. Exact curves cost a few Fenwick-tree
 * walks per get, ~0.5 us on a local hit in a run (its cache lines are cold there), which was a
 * fifth of local-hit throughput. So the walks run on a worker thread: the request path looks the
 * key's id up and writes two numbers to a batch, and the worker replays the batches in order
 * through the same tracker, so the curves are the ones the in-thread tracker gives.
 *
 * In-thread instead where the worker cannot help or is not there: SHARDS sampling (a key space
 * past the exact bound; an id per key there would hold every key the run touched, where SHARDS
 * keeps a sample), or running from TypeScript sources (no compiled worker file).
 */
export interface CurveTracker {
  /** Where the stack distances are computed. */
  readonly where: 'worker' | 'in-thread';
  observe(trace: Trace, replica: number): void;
  startCounting(): void;
  /** The curves' histograms once every get so far is counted; rejects if the worker died. */
  histograms(): Promise<CapacityHistograms>;
  /** Stops the worker (idempotent); histograms() after it reads what was counted. */
  close(): Promise<void>;
}

const WORKER_URL = new URL('./curve-worker.js', import.meta.url);
/** Accesses per batch: big enough that messages are rare, small enough to stay in cache. */
const BATCH = 8192;

export function openCurveTracker(options: CurveWorkerData): CurveTracker {
  if (samplingRateFor(options.keySpace) < 1 || !existsSync(fileURLToPath(WORKER_URL))) return inThread(options);
  const worker = new Worker(WORKER_URL, { workerData: options });
  // An idle worker must not keep a finished run's process alive.
  worker.unref();
  // A worker that died (an error, out of memory) must fail histograms(), never leave it waiting.
  let died: Error | null = null;
  worker.once('error', (error) => void (died ??= error));
  worker.once('exit', (code) => void (died ??= new Error(`the miss-ratio curve worker exited (code ${code})`)));
  const ids = new Map<string, number>();
  let newKeys: string[] = [];
  let streams = new Uint16Array(BATCH);
  let keyIds = new Int32Array(BATCH);
  let length = 0;
  let result: Promise<CapacityHistograms> | null = null;
  let closed = false;

  const send = (message: CurveWorkerRequest, transfer: ArrayBuffer[] = []) => worker.postMessage(message, transfer);
  const flush = () => {
    if (length === 0 && newKeys.length === 0) return;
    send({ type: 'batch', streams, ids: keyIds, length, newKeys }, [streams.buffer, keyIds.buffer]);
    streams = new Uint16Array(BATCH);
    keyIds = new Int32Array(BATCH);
    length = 0;
    newKeys = [];
  };
  const push = (stream: number, key: string) => {
    let id = ids.get(key);
    if (id === undefined) {
      id = ids.size;
      ids.set(key, id);
      newKeys.push(key);
    }
    streams[length] = stream;
    keyIds[length] = id;
    if (++length === BATCH) flush();
  };

  return {
    where: 'worker',
    observe(trace, replica) {
      if (trace.outcome.local !== 'skipped') push(replica, trace.key);
      if (trace.outcome.redis !== 'skipped') push(REDIS_STREAM, trace.key);
    },
    startCounting() {
      flush();
      send({ type: 'count' });
    },
    histograms() {
      result ??= new Promise<CapacityHistograms>((resolve, reject) => {
        if (died !== null) return reject(died);
        flush();
        worker.once('message', (reply: CurveWorkerReply) => resolve(fromWire(reply)));
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`the miss-ratio curve worker exited (code ${code}) before answering`)));
        send({ type: 'finish' });
      });
      return result;
    },
    async close() {
      if (closed) return;
      closed = true;
      await worker.terminate();
    },
  };
}

function inThread(options: CurveWorkerData): CurveTracker {
  const tracker = createCapacityTracker(options);
  return {
    where: 'in-thread',
    observe: tracker.observe,
    startCounting: () => tracker.startCounting(),
    histograms: () => Promise.resolve(tracker.histograms()),
    close: () => Promise.resolve(),
  };
}

function fromWire(reply: CurveWorkerReply): CapacityHistograms {
  const histogram = (wire: SerializedHistogram) => {
    const h = new DistanceHistogram();
    h.counts.set(wire.counts);
    h.cold = wire.cold;
    h.total = wire.total;
    return h;
  };
  return { method: reply.method, sampleRate: reply.sampleRate, local: reply.local === null ? null : histogram(reply.local), redis: histogram(reply.redis) };
}
