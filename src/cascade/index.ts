// Public surface of the cascade: the embeddable local LRU -> Redis -> feature store library.
export { createCascade, type Cascade, type CascadeDeps } from './cascade.js';
export { CascadeError } from './cascade-error.js';
export type { CascadeStats } from './core.js';
export {
  resolveCascadeOptions,
  type CascadeOptions,
  type FailurePolicy,
  type FeatureSetOptions,
  type LocalTierOptions,
  type RedisLockOptions,
  type ResolvedCascadeOptions,
  type StampedeOptions,
  type TtlOptions,
} from './options.js';
export { onRedisFailure, onSourceFailure, type FailureAction } from './failure-policy.js';
export { lockKeyFor, valueKey, valueKeyPrefix } from './key-scheme.js';
export type { Source, SourceRecord } from './source.js';
export { createSimulatedSource, type SimulatedSource, type SimulatedSourceDeps, type SimulatedSourceOptions, type SourceStats } from './simulated-source.js';
export { createLatencySampler, type LatencySpec } from './latency-model.js';
export { STAMPEDE_STRATEGIES } from './stampede/registry.js';
export type { StampedeStrategy } from './stampede/types.js';
export { expiriesFor, jitterFactor, xfetchDue } from './ttl-policy.js';
export { systemClock, FakeClock, type Clock } from './clock.js';
export { newTrace, resetTrace, type Trace, type ErrorKind, type Outcome, type Tier, type StaleReason, type StoredValue } from './trace.js';
