import type { Clock } from '../cascade/clock.js';
import { valueKey } from '../cascade/key-scheme.js';
import type { ResultEvent } from '../results/result-types.js';
import { entityId } from '../workload/key-chooser.js';
import type { BatchPublishEvent, BatchRollbackEvent } from './batch-steps.js';
import type { CacheUpdater, UpdaterSet } from './cache-updater.js';
import type { FreshnessOracle, PublicationState } from './freshness-oracle.js';
import type { SnapshotLedger } from './ledger.js';
import type { SnapshotContent } from './snapshot-content.js';

/** A snapshot write left open until the commit (a transaction, for a real store). */
export interface OpenSnapshot {
  commit(): void | Promise<void>;
  rollback(): void | Promise<void>;
}

/** Where the batch job writes snapshots: the feature store. Synchronous for the simulated one. */
export type BeginSnapshot = (featureSet: string, version: string, fromVersion: string) => OpenSnapshot | Promise<OpenSnapshot>;

export interface BatchJobDeps {
  ledger: SnapshotLedger;
  oracle: FreshnessOracle;
  content: SnapshotContent;
  updater: CacheUpdater;
  beginSnapshot: BeginSnapshot;
  sets: ReadonlyMap<string, UpdaterSet>;
  /** Base key version per feature set (the version in Redis keys until versioned keys move it). */
  keyVersions: Map<string, string>;
  entities: number;
  runPrefix: string;
  /** Keys carry the entity as a cluster hash tag (the cascade's `hashTagKeys`). */
  hashTag: boolean;
  clock: Clock;
  /** Aborted when the measured phase ends: a batch still writing then never commits. */
  signal: AbortSignal;
}

/**
 * The batch job a run plays, one publication at a time: write the snapshot (one transaction of
 * `commitDuration`), publish it before or after the commit (or not at all), and after
 * `publishLag` let the cache updater apply the invalidation. Every step is timed into the
 * publication's state, which the freshness oracle charges outdated serves to.
 */
export interface BatchJob {
  publish(event: BatchPublishEvent, record: ResultEvent): Promise<void>;
  rollback(event: BatchRollbackEvent, record: ResultEvent): void;
}

export function createBatchJob(deps: BatchJobDeps): BatchJob {
  const { clock, ledger } = deps;
  const rollbacks = new Map<string, () => void>();

  // Either signal wakes the sleep and cancels its timer (see Clock.sleepMs).
  const sleep = (ms: number, extra?: AbortSignal): Promise<void> =>
    ms <= 0 ? Promise.resolve() : clock.sleepMs(ms, extra === undefined ? deps.signal : AbortSignal.any([deps.signal, extra]));

  const apply = async (event: BatchPublishEvent, state: PublicationState, changed: readonly string[]): Promise<void> => {
    await sleep(event.publishLag);
    if (deps.signal.aborted) return;
    const set = deps.sets.get(event.featureSet)!;
    const version = deps.keyVersions.get(set.name)!;
    const keyOf = (entity: string) => valueKey(deps.runPrefix, set.name, version, entity, deps.hashTag);
    switch (event.invalidation) {
      case 'ttl-only':
        return;
      case 'versioned-keys':
        deps.keyVersions.set(set.name, event.version);
        state.redisCommands += await deps.updater.switchVersion(set.name, event.version);
        break;
      case 'delete':
        state.redisCommands += await deps.updater.deleteKeys(changed.map(keyOf));
        break;
      case 'overwrite': {
        const versions = deps.content.chain(set.name).versions;
        const outcome = await deps.updater.overwrite(
          set,
          event.version,
          versions.slice(versions.indexOf(event.version)),
          changed.map((entity) => ({ key: keyOf(entity), values: deps.content.valuesAt(entity, set.name, event.version) })),
          // The snapshot's start: the same for every overwrite of it, so rewriting is byte-identical.
          clock.wallMs() - (clock.nowUs() - state.startedUs) / 1000,
          clock.wallMs(),
        );
        state.redisCommands += outcome.commands;
        break;
      }
    }
    state.appliedUs = clock.nowUs();
  };

  return {
    async publish(event, record) {
      const from = ledger.committedVersion(event.featureSet);
      const chain = deps.content.chain(event.featureSet);
      const changed: string[] = [];
      for (let i = 0; i < deps.entities; i++) {
        const entity = entityId(i);
        if (chain.changedIn(entity, event.version)) changed.push(entity);
      }
      const state = deps.oracle.opened({
        featureSet: event.featureSet,
        version: event.version,
        publication: event.publication,
        invalidation: event.invalidation,
        startedUs: clock.nowUs(),
        committedUs: null,
        publishedUs: null,
        appliedUs: null,
        rolledBackUs: null,
        changedEntities: changed.length,
        redisCommands: 0,
      });
      record['featureSet'] = event.featureSet;
      record['version'] = event.version;
      record['changed'] = changed.length;
      ledger.begin(event.featureSet, event.version);
      // Everything up to the commit stays synchronous when the store's write is (the simulated
      // one): an event at 0 ms commits before the first measured request.
      const opened = deps.beginSnapshot(event.featureSet, event.version, from);
      const snapshot = opened instanceof Promise ? await opened : opened;
      const rolledBack = new AbortController();
      rollbacks.set(`${event.featureSet}\u0000${event.version}`, () => rolledBack.abort());
      const pending: Promise<void>[] = [];
      if (event.publication === 'pre-commit') {
        state.publishedUs = clock.nowUs();
        pending.push(apply(event, state, changed));
      }
      await sleep(event.commitDuration, rolledBack.signal);
      rollbacks.delete(`${event.featureSet}\u0000${event.version}`);
      if (rolledBack.signal.aborted) {
        await snapshot.rollback();
        ledger.rollback(event.featureSet, event.version);
        state.rolledBackUs = clock.nowUs();
      } else if (!deps.signal.aborted) {
        const committing = snapshot.commit();
        if (committing instanceof Promise) await committing;
        ledger.commit(event.featureSet, event.version);
        state.committedUs = clock.nowUs();
        if (event.publication === 'post-commit') {
          state.publishedUs = clock.nowUs();
          pending.push(apply(event, state, changed));
        }
      } else {
        await snapshot.rollback();
      }
      await Promise.all(pending);
    },
    rollback(event, record) {
      record['featureSet'] = event.featureSet;
      record['version'] = event.version;
      const abort = rollbacks.get(`${event.featureSet}\u0000${event.version}`);
      record['applied'] = abort !== undefined;
      abort?.();
    },
  };
}
