import { resolve } from 'node:path';
import type { Scenario } from '../scenario/schema.js';
import { createArrivals } from '../workload/arrivals.js';
import { createKeyChooser, hottestEntities, type DistributionSpec, type KeyChooser } from '../workload/key-chooser.js';
import { createPayloadGenerator } from '../workload/payload.js';
import { createRng } from '../workload/rng.js';
import { readTraceFile, type TraceKeys } from '../workload/trace-replay.js';
import type { FeatureValues, Rng } from '../workload/types.js';
import { createFeatureSetPicker } from './feature-set-picker.js';
import { createRouter, type Router } from './routing.js';

/**
 * Everything random about a run, derived from the scenario's seed with one forked stream per
 * purpose: the same scenario + seed gives the same keys, sets, routing, arrivals and payloads.
 */
export interface Workload {
  root: Rng;
  keys: KeyChooser;
  nextFeatureSet: () => string;
  allSets: readonly string[] | null;
  router: Router;
  /** A router over another replica count (a deploy), drawing on the same routing stream as `router`. */
  routerFor: (replicas: number) => Router;
  /** Open loop only: µs to the next arrival. */
  nextGapUs: (() => number) | null;
  payload: (entity: string, featureSet: string, version: string) => FeatureValues;
  hottest(top: number): string[];
  /** Distinct cache keys the stream can touch: entities (a trace's distinct ids) x feature sets. */
  keySpace: number;
  /** The key distribution, a trace file resolved; and the trace itself when it is one. */
  distribution: DistributionSpec;
  trace: TraceKeys | undefined;
}

/**
 * `streamSeed` (a shard's, see shard.ts) seeds the random streams; the key ranking (a scrambled
 * Zipf's rank -> entity), hottest lists and payloads stay the scenario seed's, shared by all shards.
 */
export function buildWorkload(scenario: Scenario, scenarioDir: string, options: { streamSeed?: number } = {}): Workload {
  const root = createRng(options.streamSeed ?? scenario.seed);
  const distribution = distributionSpecOf(scenario, scenarioDir);
  const trace: TraceKeys | undefined = distribution.kind === 'trace' ? readTraceFile(distribution.file) : undefined;
  const entities = scenario.keys.entities;
  const generators = new Map(scenario.featureSets.map((set) => [set.name, createPayloadGenerator(set.payload)]));
  const load = scenario.load;
  const routing = root.fork('routing');
  return {
    root,
    keys: createKeyChooser(distribution, entities, scenario.seed, { rng: root.fork('keys'), ...(trace ? { trace } : {}) }),
    nextFeatureSet: createFeatureSetPicker(scenario.featureSets, root.fork('feature-sets')),
    allSets: scenario.request.featureSets === 'all' ? scenario.featureSets.map((s) => s.name) : null,
    router: createRouter(scenario.cascade.routing, scenario.cascade.replicas, routing),
    routerFor: (replicas) => createRouter(scenario.cascade.routing, replicas, routing),
    nextGapUs: load.mode === 'open' ? bindGap(createArrivals(load.arrivals, load.rate, root.fork('arrivals'))) : null,
    payload: (entity, set, version) => generators.get(set)!(entity, set, version),
    hottest: (top) => hottestEntities(distribution, entities, scenario.seed, top, trace ? { trace } : {}),
    keySpace: (trace ? trace.ids.length : entities) * scenario.featureSets.length,
    distribution,
    trace,
  };
}

function bindGap(arrivals: { nextGapUs(): number }): () => number {
  return () => arrivals.nextGapUs();
}

/** The scenario's distribution with a trace file resolved against the scenario's folder. */
function distributionSpecOf(scenario: Scenario, scenarioDir: string): DistributionSpec {
  const d = scenario.keys.distribution;
  return d.kind === 'trace' ? { ...d, file: resolve(scenarioDir, d.file) } : d;
}
