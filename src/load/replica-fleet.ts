import type { RedisClient } from '../redis/client.js';
import { disconnect } from '../redis/connect.js';
import type { Cascade } from '../cascade/cascade.js';
import type { Clock } from '../cascade/clock.js';
import type { Generation } from '../batch/batch-runtime.js';
import type { ColdStartMark } from '../metrics/cold-starts.js';
import type { DeployOutcome } from './events.js';
import type { Router } from './routing.js';

/** A replica retired by a deploy still busy after this long is closed anyway (its requests then fail). */
export const RETIRE_TIMEOUT_MS = 30_000;

/** Every replica id a run can use: the first generation's and each deploy's (capacity curves count per replica). */
export function replicaSlots(initial: number, events: readonly { kind: string; at: number; replicas?: number | undefined }[]): number {
  let count = initial;
  let total = count;
  for (const event of [...events].sort((a, b) => a.at - b.at)) {
    if (event.kind !== 'deploy') continue;
    count = event.replicas ?? count;
    total += count;
  }
  return total;
}

/** The `deploy` event's action: deploy the fleet, mark the cold start, describe it for the event's record. */
export function deployTarget(fleet: ReplicaFleet, clock: Clock, measureStartUs: number, markColdStart: (mark: ColdStartMark) => void) {
  return async (replicas: number | undefined, warmLocal: number): Promise<DeployOutcome> => {
    const atUs = clock.nowUs();
    const before = fleet.current().replicas.length;
    const done = await fleet.deploy(replicas ?? before, warmLocal);
    markColdStart({ cause: 'deploy', atUs, servingUs: done.switchedAtUs, ...(warmLocal > 0 ? { warmLocal } : {}) });
    return {
      replicasBefore: before,
      replicas: done.next.replicas.length,
      firstReplicaId: done.next.firstId,
      warmedKeys: done.warmedKeys,
      ...(done.warmFailedKeys > 0 ? { warmFailedKeys: done.warmFailedKeys } : {}),
      warmMs: done.warmUs / 1000,
      switchedAt: (done.switchedAtUs - measureStartUs) / 1000,
    };
  };
}

/** One serving replica as the orchestrator builds it: its cascade and its own Redis connection. */
export interface BuiltReplica {
  cascade: Cascade;
  client: RedisClient;
}

/** The replicas serving together between two deploys; ids are global (unique over the run). */
export type { Generation } from '../batch/batch-runtime.js';

export interface FleetHooks {
  /** Before a new generation preloads or serves: subscribe it to invalidations (batch runtime). */
  attach?: (next: Generation) => Promise<void>;
  /** After the old generation stopped taking traffic. */
  detach?: (previous: Generation) => Promise<void>;
}

export interface FleetDeploy {
  previous: Generation;
  next: Generation;
  /** Keys preloaded into the new local tiers, summed over the new replicas. */
  warmedKeys: number;
  /** Keys a preload could not read (Redis failing); the replicas took traffic as warm as they got. */
  warmFailedKeys: number;
  warmUs: number;
  switchedAtUs: number;
}

/**
 * The serving replicas over a run. A deploy replaces them all (the `deploy` event): the new
 * generation is built cold, optionally preloads its hottest keys from Redis while the old one keeps
 * serving, then takes the traffic at once; the old replicas are closed as soon as their last
 * in-flight request finished. Routing follows the new count; the routing stream is the same one, so
 * the key stream and event schedule do not change.
 */
export interface ReplicaFleet {
  /** Every replica built so far, by global id: the issuer indexes it with `route`'s answer. */
  readonly byId: readonly Cascade[];
  /** The replica (global id) that serves `entity` now. */
  readonly route: Router;
  /** Requests in flight per global id (the issuer counts them), so a retired replica closes once idle. */
  readonly inFlight: number[];
  current(): Generation;
  launch(count: number): Promise<Generation>;
  deploy(count: number, warmLocal: number): Promise<FleetDeploy>;
  /** Waits for retirements and closes every replica and connection (once; also after a failure). */
  close(): Promise<void>;
}

/** How often a retiring replica is checked for in-flight requests. */
const RETIRE_POLL_MS = 5;

export function createReplicaFleet(deps: {
  build: (id: number) => Promise<BuiltReplica>;
  routerFor: (replicas: number) => Router;
  hottest: (top: number) => string[];
  featureSets: readonly string[];
  clock: Clock;
  /** A retiring replica still busy after this long is closed anyway (its requests then fail). */
  retireTimeoutMs: number;
  hooks?: FleetHooks;
}): ReplicaFleet {
  const byId: Cascade[] = [];
  const clients: RedisClient[] = [];
  const inFlight: number[] = [];
  const closedIds = new Set<number>();
  const retiring = new Set<Promise<void>>();
  let generation: Generation = { firstId: 0, replicas: [], clients: [] };
  let firstId = 0;
  let router: Router = () => 0;
  let closing: Promise<void> | null = null;

  const build = async (count: number): Promise<Generation> => {
    const start = byId.length;
    for (let id = start; id < start + count; id++) {
      const built = await deps.build(id);
      byId[id] = built.cascade;
      clients[id] = built.client;
      inFlight[id] = 0;
    }
    return { firstId: start, replicas: byId.slice(start, start + count), clients: clients.slice(start, start + count) };
  };

  const switchTo = (next: Generation): void => {
    generation = next;
    firstId = next.firstId;
    router = deps.routerFor(next.replicas.length);
  };

  const closeReplica = async (id: number): Promise<void> => {
    if (closedIds.has(id)) return;
    closedIds.add(id);
    await byId[id]!.close().catch(() => undefined);
    // QUIT after the last reply; a Redis already gone just drops the socket.
    await clients[id]!.quit().catch(() => disconnect(clients[id]!));
  };

  const retire = async (old: Generation): Promise<void> => {
    const deadlineUs = deps.clock.nowUs() + deps.retireTimeoutMs * 1000;
    const ids = old.replicas.map((_, i) => old.firstId + i);
    while (ids.some((id) => inFlight[id]! > 0) && deps.clock.nowUs() < deadlineUs) await deps.clock.sleepMs(RETIRE_POLL_MS);
    await Promise.all(ids.map(closeReplica));
  };

  const preload = async (next: Generation, warmLocal: number): Promise<{ loaded: number; failed: number }> => {
    const total = { loaded: 0, failed: 0 };
    if (warmLocal <= 0) return total;
    const entities = deps.hottest(warmLocal);
    // Every new replica warms at once, as separate processes would.
    await Promise.all(
      next.replicas.map(async (replica) => {
        for (const set of deps.featureSets) {
          const outcome = await replica.preloadLocal(entities, set);
          total.loaded += outcome.loaded;
          total.failed += outcome.failed;
        }
      }),
    );
    return total;
  };

  return {
    byId,
    route: (entity) => firstId + router(entity),
    inFlight,
    current: () => generation,
    async launch(count) {
      const first = await build(count);
      await deps.hooks?.attach?.(first);
      switchTo(first);
      return first;
    },
    async deploy(count, warmLocal) {
      const previous = generation;
      const firstNewId = byId.length;
      let next: Generation;
      try {
        next = await build(count);
        await deps.hooks?.attach?.(next);
      } catch (error) {
        // A deploy that could not start (Redis refused a connection): the old replicas keep serving.
        await Promise.allSettled(byId.slice(firstNewId).map((_, i) => closeReplica(firstNewId + i)));
        throw error;
      }
      const warmStartUs = deps.clock.nowUs();
      const warmed = await preload(next, warmLocal);
      const switchedAtUs = deps.clock.nowUs();
      switchTo(next);
      await deps.hooks?.detach?.(previous);
      const retirement = retire(previous);
      retiring.add(retirement);
      void retirement.finally(() => retiring.delete(retirement));
      return { previous, next, warmedKeys: warmed.loaded, warmFailedKeys: warmed.failed, warmUs: switchedAtUs - warmStartUs, switchedAtUs };
    },
    close() {
      closing ??= (async () => {
        await Promise.allSettled([...retiring]);
        await Promise.allSettled(byId.map((_, id) => closeReplica(id)));
      })();
      return closing;
    },
  };
}
