import type { Clock } from '../cascade/clock.js';
import type { ResultEvent } from '../results/result-types.js';
import type { BatchPublishEvent, BatchRollbackEvent } from '../batch/batch-steps.js';

/** A scheduled event, times in ms since the measured phase started (the scenario's `events[]`, parsed). */
export type RunEvent =
  | { kind: 'expire-hot'; at: number; top: number; featureSet?: string | undefined; /** @default 'hard' */ expiry?: 'hard' | 'soft' | undefined }
  | { kind: 'flush-local'; at: number }
  | { kind: 'deploy'; at: number; replicas?: number | undefined; warmLocal?: number | undefined }
  | { kind: 'source-slowdown'; at: number; factor: number; for: number }
  | { kind: 'source-errors'; at: number; rate: number; for: number }
  | { kind: 'redis-pause'; at: number; for: number }
  | BatchPublishEvent
  | BatchRollbackEvent;

/** What events act on: implemented by the orchestrator over the real replicas, source and Redis. */
export interface EventTargets {
  /**
   * Expires the top-N hottest keys in Redis and every replica's local tier at once: `hard` deletes
   * them, `soft` ages them to their soft expiry where their set has one. Returns the Redis keys.
   */
  expireHot(top: number, featureSet: string | undefined, expiry: 'hard' | 'soft'): Promise<string[]>;
  flushLocal(): void;
  /**
   * Replaces every replica by a cold one (optionally a new count), preloading `warmLocal` hottest
   * entities into each before it takes traffic. Resolves once the new replicas serve; the outcome
   * goes into the event's record.
   */
  deploy(replicas: number | undefined, warmLocal: number): Promise<DeployOutcome>;
  setSourceLatencyFactor(factor: number): void;
  /** `null` restores the scenario's own error rate. */
  setSourceErrorRate(rate: number | null): void;
  pauseRedis(ms: number): Promise<void>;
  /** The batch job: write, commit, publish and invalidate a snapshot (resolves when all of it is done). */
  batchPublish(event: BatchPublishEvent, record: ResultEvent): Promise<void>;
  batchRollback(event: BatchRollbackEvent, record: ResultEvent): void;
}

/** What a deploy did, in the event's record (times in ms since the measured phase started). */
export interface DeployOutcome {
  replicasBefore: number;
  replicas: number;
  /** Global ids of the new replicas (`serving.replicas[].id`). */
  firstReplicaId: number;
  /** Keys preloaded into the local tiers, summed over the new replicas (0 without warmLocal). */
  warmedKeys: number;
  /** Keys the preload could not read from Redis (present only when some failed). */
  warmFailedKeys?: number;
  /** How long the preload took (the old replicas served meanwhile). */
  warmMs: number;
  /** When the new replicas took the traffic. */
  switchedAt: number;
  /** `load.mode: http`: the new replica processes' pids, and how long they took to start (the old replicas served meanwhile). */
  pids?: number[];
  startMs?: number;
}

export interface EventSchedule {
  /** Events as they fired, for the result document and the timeline. */
  readonly fired: ResultEvent[];
  /** Stops pending events and undoes any still-active slowdown or error injection. */
  stop(): Promise<void>;
}

/**
 * Fires each event at its time on the measured phase's clock. Events with a duration are undone
 * when it passes (or when the phase stops first), so a run never ends with the source still slowed.
 */
export function scheduleEvents(
  events: readonly RunEvent[],
  deps: { clock: Clock; startUs: number; targets: EventTargets; onError?: (event: RunEvent, error: unknown) => void },
): EventSchedule {
  const { clock, targets } = deps;
  const fired: ResultEvent[] = [];
  const controller = new AbortController();
  const undo = new Set<() => void>();
  const sinceStartMs = () => (clock.nowUs() - deps.startUs) / 1000;

  const fire = async (event: RunEvent): Promise<void> => {
    const waitMs = event.at - sinceStartMs();
    if (waitMs > 0) await clock.sleepMs(waitMs, controller.signal);
    if (controller.signal.aborted) return;
    const record: ResultEvent = { at: sinceStartMs(), kind: event.kind };
    fired.push(record);
    try {
      await act(event, record);
    } catch (error) {
      // An event that could not act (Redis down for expire-hot, say) is still part of what
      // happened: the result says it fired and failed, and the run goes on.
      record['error'] = error instanceof Error ? error.message : String(error);
      throw error;
    }
  };

  const act = async (event: RunEvent, record: ResultEvent): Promise<void> => {
    switch (event.kind) {
      case 'expire-hot': {
        const expiry = event.expiry ?? 'hard';
        const keys = await targets.expireHot(event.top, event.featureSet, expiry);
        record['keys'] = keys.length;
        record['top'] = event.top;
        if (event.featureSet !== undefined) record['featureSet'] = event.featureSet;
        if (expiry !== 'hard') record['expiry'] = expiry;
        return;
      }
      case 'flush-local':
        targets.flushLocal();
        return;
      case 'deploy': {
        const warmLocal = event.warmLocal ?? 0;
        if (warmLocal > 0) record['warmLocal'] = warmLocal;
        Object.assign(record, await targets.deploy(event.replicas, warmLocal));
        return;
      }
      case 'source-slowdown':
        record.durationMs = event.for;
        record['factor'] = event.factor;
        targets.setSourceLatencyFactor(event.factor);
        return whileActive(event.for, () => targets.setSourceLatencyFactor(1));
      case 'source-errors':
        record.durationMs = event.for;
        record['rate'] = event.rate;
        targets.setSourceErrorRate(event.rate);
        return whileActive(event.for, () => targets.setSourceErrorRate(null));
      case 'redis-pause':
        record.durationMs = event.for;
        await targets.pauseRedis(event.for);
        return;
      case 'batch-publish':
        return targets.batchPublish(event, record);
      case 'batch-rollback':
        return targets.batchRollback(event, record);
    }
  };

  const whileActive = async (ms: number, restore: () => void): Promise<void> => {
    undo.add(restore);
    await clock.sleepMs(ms, controller.signal);
    undo.delete(restore);
    restore();
  };

  const running = [...events]
    .sort((a, b) => a.at - b.at)
    .map((event) => fire(event).catch((error: unknown) => deps.onError?.(event, error)));

  return {
    fired,
    async stop() {
      controller.abort();
      for (const restore of undo) restore();
      undo.clear();
      await Promise.all(running);
    },
  };
}
