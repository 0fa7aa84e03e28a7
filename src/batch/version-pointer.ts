import type { RedisClient } from '../redis/client.js';
import type { Clock } from '../cascade/clock.js';
import { pointerKey } from './cache-updater.js';

/**
 * Versioned keys: each replica reads the current-version pointer of each batched feature set every
 * `refreshMs` (one GET per replica and set per interval, on the replica's own connection, so with
 * tracking on Redis also pushes the pointer's change) and moves its keys to the new version. The
 * cost is those GETs and a cold local tier after each switch; the gain is that no reader mixes
 * snapshots once it has switched.
 */
export interface PointerWatch {
  /** Reads one replica's pointers now (a tracking push said one changed). */
  readNow(replica: number): Promise<void>;
  readonly reads: number;
  stop(): Promise<void>;
}

export function watchVersionPointers(deps: {
  replicas: readonly { setKeyVersion(featureSet: string, version: string): void }[];
  clients: readonly RedisClient[];
  featureSets: readonly string[];
  /** The version each replica's keys use now, per set (moved by this watch or a pubsub switch). */
  current: (replica: number, featureSet: string) => string;
  runPrefix: string;
  refreshMs: number;
  clock: Clock;
}): PointerWatch {
  let reads = 0;
  let stopped = false;
  const readNow = async (id: number): Promise<void> => {
    for (const set of deps.featureSets) {
      let version: string | null;
      try {
        reads++;
        version = await deps.clients[id]!.get(pointerKey(deps.runPrefix, set));
      } catch {
        continue; // Redis down: readers stay where they are, errors are the data path's to count
      }
      if (version !== null && version !== deps.current(id, set)) deps.replicas[id]!.setKeyVersion(set, version);
    }
  };
  const loops = deps.replicas.map(async (_, id) => {
    while (!stopped) {
      await deps.clock.sleepMs(deps.refreshMs);
      if (!stopped) await readNow(id);
    }
  });
  return {
    readNow,
    get reads() {
      return reads;
    },
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}
