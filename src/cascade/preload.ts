import { keyOf, type CascadeCore, type SetState } from './core.js';
import { storeLocal } from './local-tier.js';
import { newTrace } from './trace.js';

/**
 * Keys per MGET while preloading. Small, and the event loop is yielded between chunks: a replica
 * warming shares the process with replicas serving (measured: 256-key chunks on six replicas at
 * once stalled serving past a second and timed MGETs out).
 */
const PRELOAD_KEYS_PER_MGET = 64;
/** Chunks failing in a row (Redis down or timing out) end the preload: the replica starts as warm as it got. */
const MAX_FAILED_CHUNKS = 3;

export interface PreloadOutcome {
  /** Keys asked of Redis. */
  requested: number;
  /** Values found, decoded and put in the local tier (the rest were absent, expired or undecodable). */
  loaded: number;
  /** Keys not read because their MGET failed (or the preload gave up after failures). */
  failed: number;
}

/**
 * Fills one feature set's local tier with `entities` (hottest first) read from Redis, for a
 * deploy's `warmLocal`: MGET in chunks, decoded and stored as a Redis hit would store them. Never
 * calls the source: a key Redis does not hold stays cold. Inserted coldest first, so the hottest
 * are the most recently used and the last an LRU would evict.
 */
export async function preloadLocal(core: CascadeCore, set: SetState, entities: readonly string[]): Promise<PreloadOutcome> {
  if (!core.options.local.enabled || core.redis === null || entities.length === 0) return { requested: 0, loaded: 0, failed: 0 };
  const coldestFirst = [...entities].reverse();
  const trace = newTrace();
  let loaded = 0;
  let failed = 0;
  let failedInRow = 0;
  for (let i = 0; i < coldestFirst.length; i += PRELOAD_KEYS_PER_MGET) {
    if (failedInRow >= MAX_FAILED_CHUNKS) {
      failed += coldestFirst.length - i;
      break;
    }
    const chunk = coldestFirst.slice(i, i + PRELOAD_KEYS_PER_MGET);
    const keys = chunk.map((entity) => keyOf(set, entity));
    let buffers: unknown[];
    try {
      buffers = await core.layout.readMany(core, keys, [set], null, chunk);
      failedInRow = 0;
    } catch {
      failed += chunk.length;
      failedInRow++;
      continue;
    }
    buffers.forEach((bytes, j) => {
      if (bytes === null) return;
      const value = core.layout.decode(core, set, keys[j]!, chunk[j]!, bytes, trace, false);
      if (value === null) return;
      storeLocal(core, set, value);
      loaded++;
    });
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { requested: entities.length, loaded, failed };
}
