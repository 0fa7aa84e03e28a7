/** A seeded pseudo-random stream. Same seed -> same numbers on every machine. */
export interface Rng {
  /** A double in [0, 1). */
  next(): number;
  /** An independent child stream for one purpose (keys, payload, latency, jitter...), derived from this one's seed and the label. */
  fork(label: string): Rng;
}

/** Draws entity indexes in [0, entities). */
export interface KeySampler {
  next(rng: Rng): number;
}

/**
 * The feature values of one entity for one feature set: a string-keyed map as a feature store
 * returns it (`f0..fN` floats, `i0..` ints, `s0..` strings, `emb` embedding vector).
 */
export type FeatureValues = Record<string, number | string | number[]>;

/** Shape of a feature set's payload, as in the scenario's `featureSets[].payload`. */
export interface PayloadSpec {
  floats: number;
  ints: number;
  strings: number;
  /** Dimensions of one float embedding vector; 0 = none. */
  embedding: number;
  /** Length of each string feature in characters. @default 12 */
  stringLength?: number;
  /** How many of the string features (the last ones) are categorical: each takes one of `cardinality` known values. @default 0 */
  categorical?: number;
  /** Distinct values of each categorical string feature (its vocabulary `categoryVocabulary` returns). @default 16 */
  cardinality?: number;
}
