import type { EventTargets } from '../load/events.js';
import type { ReplicaSet } from './replica-set.js';

/**
 * Events of an HTTP run, acting on real replica processes through their control endpoint:
 * expire-hot expires in Redis through one replica and drops the keys from every other replica's
 * local tier; flush-local and the source's slowdown and error injection reach every replica.
 *
 * Hook for the deploy event (another branch): add its method here, built on `replicas.broadcast`
 * with a new `ControlCommand` (replica-protocol.ts) for a local-tier flush and cascade restart, or on
 * stopping and re-forking one process at a time in ReplicaSet for a rolling restart.
 */
export function httpEventTargets(deps: {
  replicas: ReplicaSet;
  hottest: (top: number) => string[];
  allSets: readonly string[];
  markExpiry: (atUs: number, keys: string[]) => void;
  /** The value key of (entity, set), as the replicas build it. */
  keyFor: (entity: string, set: string) => string;
  nowUs: () => number;
  pauseRedis: ((ms: number) => Promise<void>) | null;
  /** A broadcast that did not reach a replica (it died): reported, the run goes on. */
  onUnreached: (what: string, failures: { id: number; error: string }[]) => void;
}): EventTargets {
  const { replicas } = deps;
  const broadcast = (what: string, command: Parameters<ReplicaSet['broadcast']>[0]) =>
    replicas.broadcast(command).then((failures) => {
      if (failures.length > 0) deps.onUnreached(what, failures);
    });
  return {
    async expireHot(top, featureSet, expiry) {
      const sets = featureSet === undefined ? deps.allSets : [featureSet];
      const targets = deps.hottest(top).flatMap((entity) => sets.map((set) => ({ entity, set })));
      const first = replicas.replicas.find((r) => r.exit === null);
      if (first === undefined) throw new Error('expire-hot: no replica is running');
      // As in-process: the episode opens before the first key is touched.
      deps.markExpiry(deps.nowUs(), targets.map(({ entity, set }) => deps.keyFor(entity, set)));
      const { keys } = (await replicas.control(first.id, { op: 'expire', targets, expiry })) as { keys: string[] };
      await broadcast('expire-hot', { op: 'evict-local', keys });
      return keys;
    },
    flushLocal() {
      void broadcast('flush-local', { op: 'flush-local' });
    },
    // Replacing replica processes is the deploy work still to do for load.mode http: said, not faked.
    deploy() {
      return Promise.reject(new Error('deploy events are not supported with load.mode http yet'));
    },
    setSourceLatencyFactor(factor) {
      void broadcast('source-slowdown', { op: 'source-latency', factor });
    },
    setSourceErrorRate(rate) {
      void broadcast('source-errors', { op: 'source-errors', rate });
    },
    async pauseRedis(ms) {
      if (deps.pauseRedis === null) throw new Error('redis-pause needs a Redis fcbench started itself');
      await deps.pauseRedis(ms);
    },
    batchPublish() {
      throw new Error('batch-publish is not supported with load.mode http');
    },
    batchRollback() {
      throw new Error('batch-rollback is not supported with load.mode http');
    },
  };
}
