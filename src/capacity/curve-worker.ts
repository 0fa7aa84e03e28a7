import { parentPort, workerData } from 'node:worker_threads';
import { createCapacityTracker, type CapacityHistograms } from './capacity-tracker.js';
import type { Trace } from '../cascade/trace.js';

/**
 * The stack-distance half of a run's miss-ratio curves, on a thread of its own (see
 * curve-tracker.ts): it replays the request stream the main thread sends in batches of
 * (stream, key id), in order, through the same in-thread tracker, so the curves are exactly the
 * ones that tracker would give; the main thread keeps only an id lookup and an array write per get.
 */

export interface CurveWorkerData {
  replicas: number;
  keySpace: number;
  localEnabled: boolean;
}

/** The stream a Redis lookup goes to; local lookups use their replica's index. */
export const REDIS_STREAM = 0xffff;

export type CurveWorkerRequest =
  | { type: 'batch'; streams: Uint16Array; ids: Int32Array; length: number; newKeys: string[] }
  | { type: 'count' }
  | { type: 'finish' };

export interface SerializedHistogram {
  counts: Float64Array;
  cold: number;
  total: number;
}

export type CurveWorkerReply = {
  type: 'histograms';
  method: CapacityHistograms['method'];
  sampleRate: number;
  local: SerializedHistogram | null;
  redis: SerializedHistogram;
};

function main(): void {
  const data = workerData as CurveWorkerData;
  const port = parentPort!;
  const tracker = createCapacityTracker(data);
  const keys: string[] = [];
  // One trace, refilled per access: the tracker reads only the key and which tiers were looked at.
  const trace = { key: '', outcome: { local: 'skipped', redis: 'skipped' } } as unknown as Trace;
  port.on('message', (message: CurveWorkerRequest) => {
    if (message.type === 'batch') {
      for (const key of message.newKeys) keys.push(key);
      for (let i = 0; i < message.length; i++) {
        const stream = message.streams[i]!;
        trace.key = keys[message.ids[i]!]!;
        trace.outcome.local = stream === REDIS_STREAM ? 'skipped' : 'hit';
        trace.outcome.redis = stream === REDIS_STREAM ? 'hit' : 'skipped';
        tracker.observe(trace, stream === REDIS_STREAM ? 0 : stream);
      }
    } else if (message.type === 'count') {
      tracker.startCounting();
    } else {
      const h = tracker.histograms();
      const wire = (x: NonNullable<CapacityHistograms['local']>): SerializedHistogram => ({ counts: x.counts, cold: x.cold, total: x.total });
      const reply: CurveWorkerReply = { type: 'histograms', method: h.method, sampleRate: h.sampleRate, local: h.local === null ? null : wire(h.local), redis: wire(h.redis) };
      port.postMessage(reply);
    }
  });
}

// Only as a worker: curve-tracker.ts imports this file too, so every build compiles it.
if (parentPort !== null && (workerData as Partial<CurveWorkerData> | null)?.keySpace !== undefined) main();
