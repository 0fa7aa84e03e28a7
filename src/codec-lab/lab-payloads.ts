import { createCodec } from '../codec/create-codec.js';
import type { EncodeStats } from '../codec/types.js';
import { generatePayload } from '../workload/payload.js';
import type { FeatureValues, PayloadSpec } from '../workload/types.js';

/** A payload the lab measures: a name for the rows and the feature set's spec (its tensor layout too). */
export interface LabPayload {
  readonly name: string;
  readonly spec: PayloadSpec;
}

/** The seed's bundle: 50 floats, 8 ints, 2 strings (~0.8 KB msgpack, ~1.4 KB JSON). */
export const SMALL_PAYLOAD: LabPayload = { name: 'small', spec: { floats: 50, ints: 8, strings: 2, embedding: 0 } };
/** The small bundle plus a 768-float embedding (~7.7 KB msgpack). */
export const LARGE_PAYLOAD: LabPayload = { name: 'large', spec: { floats: 50, ints: 8, strings: 2, embedding: 768 } };

/** The feature set name the lab's values are written under. */
export const LAB_FEATURE_SET = 'lab';
/** Distinct values (entities) per payload: each measurement cycles through them, so no single value sits in every cache. */
export const SAMPLE_VALUES = 32;

/** `SAMPLE_VALUES` deterministic values of `spec` (entities `e0..`). */
export function sampleValues(spec: PayloadSpec, count = SAMPLE_VALUES): FeatureValues[] {
  return Array.from({ length: count }, (_, i) => generatePayload(spec, `e${i}`, LAB_FEATURE_SET, 'v1'));
}

/**
 * A spec in one monotone family, indexed by `k`: up to 60 it is `k` floats alone; past that, the
 * small bundle plus a `k - 60`-float embedding. Larger `k`, larger payload, in every format.
 */
function familySpec(k: number): PayloadSpec {
  if (k <= 60) return { floats: k, ints: 0, strings: 0, embedding: 0 };
  return { ...SMALL_PAYLOAD.spec, embedding: k - 60 };
}

const msgpackBytes = (() => {
  const codec = createCodec({ format: 'msgpack', compression: 'none', compressAboveBytes: 0 });
  const stats: EncodeStats = { rawBytes: 0, encodedBytes: 0, compressed: false };
  const header = { featureSet: LAB_FEATURE_SET, version: 'v1', writtenAtMs: 0, softExpiresAtMs: 0 };
  return (spec: PayloadSpec) => {
    codec.encode(header, generatePayload(spec, 'e0', LAB_FEATURE_SET, 'v1'), stats);
    return stats.rawBytes;
  };
})();

/**
 * The payload of the size sweep closest to `targetBytes` of serialized msgpack (the crossover's
 * size axis: `compressAbove` compares the serialized size). Binary search over the family above.
 */
export function payloadForSize(targetBytes: number, label: string): LabPayload {
  let lo = 1;
  let hi = 60 + Math.max(1, Math.ceil(targetBytes / 4));
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (msgpackBytes(familySpec(mid)) < targetBytes) lo = mid + 1;
    else hi = mid;
  }
  return { name: label, spec: familySpec(lo) };
}
