import type { FeatureValues } from '../workload/types.js';

/** What a feature-store read returns. */
export interface SourceRecord {
  values: FeatureValues;
  /** Snapshot version the values were read from. */
  version: string;
  /** Time spent queued behind the store's concurrency limit, µs (part of the fetch time). */
  queueUs: number;
}

/**
 * The feature store, source of truth. Shared by every replica. Throw a `CascadeError` with kind
 * `source-error` or `source-timeout` on failure; anything else thrown counts as `source-error`.
 */
export interface Source {
  fetch(entity: string, featureSet: string): Promise<SourceRecord>;
}
