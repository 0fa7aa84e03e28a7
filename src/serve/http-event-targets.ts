import type { EventTargets } from '../load/events.js';
import type { ReplicaHandle, ReplicaSet } from './replica-set.js';

/**
 * Events of an HTTP run, acting on real replica processes through their control endpoint:
 * expire-hot expires in Redis through one replica and drops the keys from every other replica's
 * local tier; flush-local and the source's slowdown and error injection reach every replica;
 * deploy starts a new generation of processes (http-deploy.ts).
 */
export function httpEventTargets(deps: {
  replicas: ReplicaSet;
  /** The replicas taking traffic now (a deploy replaces them). */
  current: () => readonly ReplicaHandle[];
  deploy: EventTargets['deploy'];
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
      const first = deps.current().find((r) => r.exit === null);
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
    deploy: deps.deploy,
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
