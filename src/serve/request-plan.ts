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
}

/** Attempts before affinity gives up looking for an entity of one replica (a tiny key space). */
const AFFINITY_ATTEMPTS_PER_REPLICA = 64;

/**
 * The seeded request stream of an HTTP run: the scenario's key distribution, feature-set picks and
 * routing, as the in-process issuer draws them. `keyPrefix` is the run's (builtin) or '' (external:
 * keys are then only labels).
 */
export function createRequestPlan(scenario: Scenario, workload: Workload, keyPrefix: string, replicas: number): RequestPlan {
  const versions = new Map(scenario.featureSets.map((s) => [s.name, s.version]));
  const affinity = scenario.cascade.routing === 'affinity' && replicas > 1;
  const draw = (): { entity: string; sets: readonly string[] } | null => {
    const entity = workload.keys.next();
    if (entity === null) return null;
    return { entity, sets: workload.allSets ?? [workload.nextFeatureSet()] };
  };
  const plan = (drawn: { entity: string; sets: readonly string[] }, replica: number): PlannedRequest => {
    const set = drawn.sets[0]!;
    return { entity: drawn.entity, sets: drawn.sets, replica, key: valueKey(keyPrefix, set, versions.get(set) ?? '', drawn.entity) };
  };
  return {
    next() {
      const drawn = draw();
      if (drawn === null) return null;
      return plan(drawn, replicas <= 1 ? 0 : workload.router(drawn.entity));
    },
    nextFor(replica) {
      if (!affinity) {
        const drawn = draw();
        return drawn === null ? null : plan(drawn, replica);
      }
      let drawn = draw();
      for (let i = 0; drawn !== null && i < AFFINITY_ATTEMPTS_PER_REPLICA * replicas; i++) {
        if (workload.router(drawn.entity) === replica) break;
        drawn = draw();
      }
      return drawn === null ? null : plan(drawn, replica);
    },
  };
}
