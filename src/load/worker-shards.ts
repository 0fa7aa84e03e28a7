import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { badInput, FcbenchError, type FcbenchErrorCode } from '../errors.js';
import { startPrivateRedis, type PrivateRedis } from '../redis/private-server.js';
import { urlBeforeProvisioning } from '../redis/provision.js';
import { mergeShardResults } from '../results/merge-results.js';
import type { ResultDocument } from '../results/result-types.js';
import type { MetricsSnapshot } from '../metrics/recorder.js';
import type { ScenarioVariant } from '../scenario/load.js';
import type { ShardRun, VariantRunOptions } from './run-variant.js';
import { shardScenario } from './shard.js';
// A side-effect-free import (the worker body runs only inside a worker): it puts shard-worker.js in every build.
import './shard-worker.js';
import type { ShardWorkerData, ShardWorkerMessage } from './shard-worker.js';

/**
 * `load.workers: N`: the variant as N shards on worker threads of this process, each with its own
 * event loop, replicas and part of the load, meeting at the same start barrier `--shard` uses, and
 * merged in memory by the code `fcbench merge` uses. One event loop tops out near 60k Redis hits/s;
 * N loops on N cores go past that without a second process to start and collect.
 *
 * With `--shard i/M` as well, worker w of this process is shard i*N + w of M*N, so machines and
 * threads compose. With `url: auto` and no REDIS_URL the private redis-server is started here,
 * once, and every worker uses it.
 */

const WORKER_URL = new URL('./shard-worker.js', import.meta.url);
const ERROR_CODES: ReadonlySet<string> = new Set<FcbenchErrorCode>(['bad-input', 'environment', 'threshold', 'interrupted']);
/** How long workers wait for each other at the barriers when no --shard-timeout was given. */
const DEFAULT_BARRIER_MS = 60_000;

export async function runVariantInWorkers(variant: ScenarioVariant, options: VariantRunOptions, workers: number): Promise<ResultDocument> {
  if (!existsSync(fileURLToPath(WORKER_URL))) {
    throw badInput('load.workers: worker threads need the compiled CLI (npm run build; run dist/src/cli/main.js), not the TypeScript sources');
  }
  const outer = options.shard;
  const total = (outer?.count ?? 1) * workers;
  const first = (outer?.index ?? 0) * workers;
  const group = outer?.group !== undefined && outer.group !== '' ? outer.group : `w${randomBytes(4).toString('hex')}`;
  const timeoutMs = outer?.timeoutMs ?? DEFAULT_BARRIER_MS;
  const env = options.env ?? process.env;
  const shards = Array.from({ length: workers }, (_, w): ShardRun => ({ index: first + w, count: total, group, timeoutMs }));
  // What cannot be split is bad input here, before a thread starts or a key is written.
  const where = outer !== undefined && outer.count > 1 ? `--shard ${outer.index}/${outer.count} with load.workers ${workers}` : `load.workers ${workers}`;
  for (const shard of shards) shardScenario(variant.scenario, shard, where);
  // A cluster is named by its seeds (each worker connects to them); only a lone `auto` starts a server here.
  const clustered = variant.scenario.cascade.redis.cluster !== undefined;
  const named = clustered ? '' : urlBeforeProvisioning(options.redisUrl ?? variant.scenario.cascade.redis.url, env);
  const privateServer: PrivateRedis | null = named === null ? await startPrivateRedis() : null;
  const url = named ?? privateServer!.url;
  const running: Worker[] = [];
  const progress = progressOfWorkers(workers, options.onProgress);
  const onAbort = () => {
    for (const worker of running) worker.postMessage({ type: 'abort' });
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const outcomes = await Promise.allSettled(
      shards.map((shard) => {
        const data: ShardWorkerData = {
          variant,
          shard,
          redisUrl: url,
          redisOwned: privateServer !== null,
          env: { ...env },
          keepKeys: options.keepKeys === true,
          scenarioDir: options.scenarioDir,
          toolVersion: options.toolVersion,
        };
        const worker = new Worker(WORKER_URL, { workerData: data });
        running.push(worker);
        if (options.signal?.aborted === true) worker.postMessage({ type: 'abort' });
        return outcomeOf(worker, shard, (phase, snapshot) => progress.report(shard.index - first, phase, snapshot)).catch((error: unknown) => {
          // One shard failing (say, bad input) must not leave the others waiting at a barrier.
          onAbort();
          throw error;
        });
      }),
    );
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    const docs = outcomes.map((o) => (o as PromiseFulfilledResult<ResultDocument>).value);
    // Merged as the W shards of this process (their global indexes matter only at the barriers).
    const merged = mergeShardResults(docs.map((doc, w) => ({ file: `worker ${w}`, doc: { ...doc, shard: { index: w, count: workers } } })));
    merged.load.workers = workers;
    // Shard i of M across machines, its workers merged: `fcbench merge` takes it as shard i.
    if (outer !== undefined && outer.count > 1) merged.shard = { index: outer.index, count: outer.count };
    return merged;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await Promise.all(running.map((worker) => worker.terminate()));
    await privateServer?.stop();
  }
}

function outcomeOf(worker: Worker, shard: ShardRun, onProgress: (phase: 'warmup' | 'measure', snapshot: MetricsSnapshot) => void): Promise<ResultDocument> {
  return new Promise((resolve, reject) => {
    let settled = false;
    worker.on('message', (message: ShardWorkerMessage) => {
      if (message.type === 'progress') {
        onProgress(message.phase, message.snapshot);
        return;
      }
      settled = true;
      if (message.type === 'result') resolve(message.doc as ResultDocument);
      else reject(new FcbenchError(ERROR_CODES.has(message.code) ? (message.code as FcbenchErrorCode) : 'environment', message.message));
    });
    worker.on('error', (error) => {
      settled = true;
      reject(new FcbenchError('environment', `load.workers: worker ${shard.index} of ${shard.count} failed: ${error.message}`));
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new FcbenchError('environment', `load.workers: worker ${shard.index} of ${shard.count} exited (code ${code}) without a result`));
    });
  });
}

/**
 * One progress line for all workers: each reports about once a second; the line goes out when
 * worker 0 does, from every worker's latest snapshot. Counts and rates add up; hit ratios are
 * weighted by requests; the p99 is the worst worker's (an upper bound of the union's).
 */
export function progressOfWorkers(
  workers: number,
  onProgress: ((phase: 'warmup' | 'measure', snapshot: MetricsSnapshot) => void) | undefined,
): { report(worker: number, phase: 'warmup' | 'measure', snapshot: MetricsSnapshot): void } {
  const latest: (MetricsSnapshot | null)[] = Array.from({ length: workers }, () => null);
  return {
    report(worker, phase, snapshot) {
      latest[worker] = snapshot;
      if (worker !== 0 || onProgress === undefined) return;
      onProgress(phase, combineSnapshots(latest.filter((s): s is MetricsSnapshot => s !== null)));
    },
  };
}

export function combineSnapshots(snapshots: readonly MetricsSnapshot[]): MetricsSnapshot {
  const sum = (pick: (s: MetricsSnapshot) => number) => snapshots.reduce((total, s) => total + pick(s), 0);
  const requests = sum((s) => s.requests);
  const weighted = (pick: (s: MetricsSnapshot) => number) => (requests > 0 ? sum((s) => pick(s) * s.requests) / requests : 0);
  const buckets = snapshots.map((s) => s.lastBucket).filter((b) => b !== null);
  return {
    elapsedMs: Math.max(0, ...snapshots.map((s) => s.elapsedMs)),
    requests,
    failed: sum((s) => s.failed),
    erred: sum((s) => s.erred),
    dropped: sum((s) => s.dropped),
    achievedRps: sum((s) => s.achievedRps),
    p99: Math.max(0, ...snapshots.map((s) => s.p99)),
    localHitRatio: weighted((s) => s.localHitRatio),
    redisHitRatio: weighted((s) => s.redisHitRatio),
    sourceCalls: sum((s) => s.sourceCalls),
    staleServed: sum((s) => s.staleServed),
    lastBucket: buckets.length === 0 ? null : { ...buckets[0]!, rps: buckets.reduce((total, b) => total + b.rps, 0) },
    openExpiryKeys: sum((s) => s.openExpiryKeys),
  };
}
