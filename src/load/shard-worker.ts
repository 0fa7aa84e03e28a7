import { parentPort, workerData } from 'node:worker_threads';
import { FcbenchError } from '../errors.js';
import type { MetricsSnapshot } from '../metrics/recorder.js';
import type { ScenarioVariant } from '../scenario/load.js';
import type { ShardRun } from './run-variant.js';

/**
 * One shard of a `load.workers` run, on a worker thread of its own (see worker-shards.ts): runs the
 * variant in-process as shard `index` of `count` against the Redis the main thread chose, and posts
 * back its result document, or the error (code kept, so the exit code stays right).
 */

export interface ShardWorkerData {
  variant: ScenarioVariant;
  shard: ShardRun;
  redisUrl: string;
  /** The main thread started that redis-server itself (`url: auto`): redis-pause may pause it. */
  redisOwned: boolean;
  env: Record<string, string | undefined>;
  keepKeys: boolean;
  scenarioDir: string;
  toolVersion: string;
}

export type ShardWorkerMessage =
  | { type: 'progress'; phase: 'warmup' | 'measure'; snapshot: MetricsSnapshot }
  | { type: 'result'; doc: unknown }
  | { type: 'error'; code: string; message: string };

async function main(): Promise<void> {
  const data = workerData as ShardWorkerData;
  const port = parentPort!;
  const controller = new AbortController();
  port.on('message', (message: { type: string }) => {
    if (message.type === 'abort') controller.abort();
  });
  try {
    const { runVariantInProcess } = await import('./run-variant.js');
    const doc = await runVariantInProcess(data.variant, {
      redisUrl: data.redisUrl,
      redisOwned: data.redisOwned,
      env: data.env,
      keepKeys: data.keepKeys,
      scenarioDir: data.scenarioDir,
      toolVersion: data.toolVersion,
      shard: data.shard,
      signal: controller.signal,
      onProgress: (phase, snapshot) => port.postMessage({ type: 'progress', phase, snapshot } satisfies ShardWorkerMessage),
    });
    port.postMessage({ type: 'result', doc } satisfies ShardWorkerMessage);
  } catch (error) {
    port.postMessage({
      type: 'error',
      code: error instanceof FcbenchError ? error.code : 'internal',
      message: error instanceof Error ? error.message : String(error),
    } satisfies ShardWorkerMessage);
  } finally {
    port.close();
  }
}

// Only as a worker: worker-shards.ts imports this file too, so every build compiles it. Not a
// top-level await: run-variant.js (imported by main) imports this module back, and an import of a
// module still evaluating would wait for main, which waits for the import.
if (parentPort !== null && (workerData as Partial<ShardWorkerData> | null)?.shard !== undefined) void main();
