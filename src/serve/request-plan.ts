import { valueKey } from '../cascade/key-scheme.js';
import type { Workload } from '../load/build-workload.js';
import type { Scenario } from '../scenario/schema.js';

/** One HTTP request to make: whose features, which sets, which replica, and its cache key. */
export interface PlannedRequest {
  entity: string;
  sets: readonly string[];
  replica: number;
  /** The value key of the first set (stampede episodes match on it). */
  key: string;
}

export interface RequestPlan {
  /** Next request, the replica chosen by `cascade.routing` (the open driver: per request); null when a trace ran out. */
  next(): PlannedRequest | null;
  /**
   * Next request for a connection bound to `replica` (autocannon: per connection). random and
   * round-robin take the shared stream as it comes; affinity draws until an entity that affinity
   * sends to this replica, so each replica still sees only its slice of the key space.
   */
  nextFor(replica: number): PlannedRequest | null;
  /**
   * A deploy: from now on requests go to `count` replicas with ids from `firstId`. The routing
   * stream is the same one (`workload.routerFor`), so the key stream does not move.
   */
  switchTo(firstId: number, count: number): void;
}

/** Attempts before affinity gives up looking for an entity of one replica (a tiny key space). */
const AFFINITY_ATTEMPTS_PER_REPLICA = 64;

/**
 * The seeded request stream of an HTTP run: the scenario's key distribution, feature-set picks and
 * routing, as the in-process issuer draws them. `keyPrefix` is the run's (builtin) or '' (external:
 * keys are then only labels).
 */
export function createRequestPlan(scenario: Scenario, workload: Workload, keyPrefix: string, initialReplicas: number): RequestPlan {
  const versions = new Map(scenario.featureSets.map((s) => [s.name, s.version]));
  // The replicas' key layout: on a Redis Cluster the entity is a hash tag (key-scheme.ts).
  const hashTag = scenario.cascade.redis.cluster !== undefined;
  let replicas = initialReplicas;
  let firstId = 0;
  let router = workload.router;
  let affinity = scenario.cascade.routing === 'affinity' && replicas > 1;
  // Global id of the replica the router picks (one replica: no draw on the routing stream, as before a deploy).
  const route = (entity: string): number => firstId + (replicas <= 1 ? 0 : router(entity));
  const draw = (): { entity: string; sets: readonly string[] } | null => {
    const entity = workload.keys.next();
    if (entity === null) return null;
    return { entity, sets: workload.allSets ?? [workload.nextFeatureSet()] };
  };
  const plan = (drawn: { entity: string; sets: readonly string[] }, replica: number): PlannedRequest => {
    const set = drawn.sets[0]!;
    return { entity: drawn.entity, sets: drawn.sets, replica, key: valueKey(keyPrefix, set, versions.get(set) ?? '', drawn.entity, hashTag) };
  };
  return {
    next() {
      const drawn = draw();
      if (drawn === null) return null;
      return plan(drawn, route(drawn.entity));
    },
    nextFor(replica) {
      if (!affinity) {
        const drawn = draw();
        return drawn === null ? null : plan(drawn, replica);
      }
      let drawn = draw();
      for (let i = 0; drawn !== null && i < AFFINITY_ATTEMPTS_PER_REPLICA * replicas; i++) {
        if (route(drawn.entity) === replica) break;
        drawn = draw();
      }
      return drawn === null ? null : plan(drawn, replica);
    },
    switchTo(first, count) {
      firstId = first;
      replicas = count;
      router = workload.routerFor(count);
      affinity = scenario.cascade.routing === 'affinity' && count > 1;
    },
  };
}
