import { createCodec } from '../codec/index.js';
import { newCascadeStats } from '../cascade/core.js';
import { valueKeyPrefix } from '../cascade/key-scheme.js';
import { resolveCascadeOptions } from '../cascade/options.js';
import { badInput } from '../errors.js';
import type { Workload } from '../load/build-workload.js';
import { cascadeOptionsOf, sourceOptionsOf } from '../load/cascade-config.js';
import { fnv1a } from '../load/routing.js';
import type { Scenario } from '../scenario/schema.js';
import type { IndexChooser } from '../workload/key-chooser.js';
import { EventQueue } from './event-queue.js';
import { IndexLru } from './index-lru.js';
import type { SimLatencies } from './latency-models.js';
import { RedisLink, RedisSet } from './redis-model.js';
import type { SimContext, SimSet } from './sim-context.js';
import { SourceModel } from './source-model.js';

/** Values encoded per feature set to measure the mean raw and stored sizes. */
export const SIZE_SAMPLE = 32;

/**
 * The simulation's state for one variant, from the same resolved options the real cascade uses
 * (cascadeOptionsOf + resolveCascadeOptions), the same rng forks (`replica-N` -> `cascade:N:...`,
 * `source`) and the scenario's source model.
 */
export function buildSimContext(scenario: Scenario, workload: Workload, chooser: IndexChooser, latencies: SimLatencies, keyPrefix: string): SimContext {
  if (scenario.cascade.source.kind !== 'simulated') {
    throw badInput(
      `cascade.source.kind: simulate models the simulated source (a latency model); this scenario reads ${scenario.cascade.source.kind}. Add --set 'cascade.source={kind: simulated, latency: {p50: 8ms, p99: 40ms}}' to simulate it`,
    );
  }
  const resolved = resolveCascadeOptions(cascadeOptionsOf(scenario, keyPrefix));
  const entities = chooser.size;
  const codec = createCodec(resolved.codec);
  const sets: SimSet[] = resolved.featureSets.map((set, index) => {
    const sizes = sampleSizes(codec, workload, chooser, set.name, set.version);
    return {
      index,
      name: set.name,
      version: set.version,
      ttl: set.ttl,
      keyPrefix: valueKeyPrefix(resolved.keyPrefix, set.name, set.version),
      redis: new RedisSet(entities),
      ...sizes,
    };
  });
  const perSetEntries = Math.max(1, Math.ceil(resolved.local.maxEntries / sets.length));
  const replicas = Array.from({ length: scenario.cascade.replicas }, (_, id) => {
    const rng = workload.root.fork(`replica-${id}`);
    return {
      // lru-cache with maxSize counts stored bytes: the entry budget is what the byte budget holds at the mean size.
      lru: sets.map((set) => new IndexLru(entities, localCapacity(perSetEntries, resolved.local.maxBytes, sets.length, set.encodedBytes))),
      jitterRng: rng.fork(`cascade:${id}:ttl-jitter`),
      xfetchRng: rng.fork(`cascade:${id}:xfetch`),
      recomputeMs: new Float64Array(sets.length),
      stats: newCascadeStats(),
    };
  });
  const latencyRng = workload.root.fork('simulate:latencies');
  return {
    sets,
    replicas,
    entities,
    idOf: (e) => chooser.idOf(e),
    local: { enabled: resolved.local.enabled, ttlMs: resolved.local.ttlMs },
    stampede: resolved.stampede,
    failurePolicy: resolved.failurePolicy,
    source: new SourceModel(sourceOptionsOf(scenario), workload.root.fork('source')),
    link: new RedisLink(latencies.redisGet, latencies.redisSet, scenario.cascade.redis.commandTimeout, latencyRng),
    latencies,
    latencyRng,
    queue: new EventQueue(),
  };
}

function localCapacity(entries: number, maxBytes: number, sets: number, meanBytes: number): number {
  if (maxBytes <= 0) return entries;
  return Math.max(1, Math.min(entries, Math.floor(Math.ceil(maxBytes / sets) / Math.max(1, meanBytes))));
}

/** Mean serialized and stored bytes of a few values of the set, encoded with the scenario's codec. */
function sampleSizes(codec: ReturnType<typeof createCodec>, workload: Workload, chooser: IndexChooser, name: string, version: string): { rawBytes: number; encodedBytes: number } {
  const step = Math.max(1, Math.floor(chooser.size / SIZE_SAMPLE));
  let raw = 0;
  let encoded = 0;
  let n = 0;
  for (let e = 0; e < chooser.size && n < SIZE_SAMPLE; e += step, n++) {
    const stats = { rawBytes: 0, encodedBytes: 0, compressed: false };
    codec.encode({ featureSet: name, version, writtenAtMs: 0, softExpiresAtMs: 0 }, workload.payload(chooser.idOf(e), name, version), stats);
    raw += stats.rawBytes;
    encoded += stats.encodedBytes;
  }
  return { rawBytes: raw / n, encodedBytes: encoded / n };
}

/**
 * The replica of entity `e`: random and round-robin from the workload's own router (the same rng
 * stream), affinity by FNV-1a of the entity id as routing.ts does, cached per entity.
 */
export function indexRouter(scenario: Scenario, workload: Workload, chooser: IndexChooser): (e: number) => number {
  const replicas = scenario.cascade.replicas;
  if (replicas <= 1) return () => 0;
  if (scenario.cascade.routing !== 'affinity') {
    const router = workload.router;
    return () => router('');
  }
  const cache = new Int16Array(chooser.size).fill(-1);
  // Ids are the index's decimal string (entityId) unless the keys are a trace's.
  const decimal = workload.distribution.kind !== 'trace';
  return (e) => {
    let r = cache[e]!;
    if (r < 0) {
      r = (decimal ? fnv1aOfIndex(e) : fnv1a(chooser.idOf(e))) % replicas;
      cache[e] = r;
    }
    return r;
  };
}

const digits = new Uint8Array(16);

/**
 * `fnv1a(String(e))` for an integer 0 <= e < 2^53, over its decimal digits without building the
 * string: a 1M-entity run built a string per entity it routed (~2% of its time).
 */
export function fnv1aOfIndex(e: number): number {
  let count = 0;
  let rest = e;
  do {
    digits[count++] = rest % 10;
    rest = Math.floor(rest / 10);
  } while (rest > 0);
  let hash = 0x811c9dc5;
  while (count > 0) {
    hash ^= 48 + digits[--count]!;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
