// Public surface of the workload module: pure, seeded generators of keys, payloads and arrivals.
export type { FeatureValues, KeySampler, PayloadSpec, Rng } from './types.js';
export { createRng, deriveSeed, fnv1a32, nextInt, toSeed32, Xoshiro128 } from './rng.js';
export { createZipfSampler, ZipfSampler } from './zipf.js';
export { createScrambler, identityScrambler, type Scrambler } from './scramble.js';
export { HotspotSampler } from './hotspot.js';
export { parseTrace, readTraceFile, TraceReplaySampler, type TraceKeys } from './trace-replay.js';
export {
  createKeyChooser,
  entityId,
  hottestEntities,
  type DistributionSpec,
  type KeyChooser,
  type KeyChooserOptions,
} from './key-chooser.js';
export {
  createPayloadGenerator,
  DEFAULT_STRING_LENGTH,
  generatePayload,
  resolvePayloadSpec,
  type ResolvedPayloadSpec,
} from './payload.js';
export { createArrivals, type ArrivalKind, type Arrivals } from './arrivals.js';
