import type { FeatureValues, PayloadSpec } from '../workload/types.js';
import { createFeatureObjectBuilder, resolvePayloadSpec } from '../workload/payload.js';
import { murmur3x86_32 } from './murmur3.js';
import { valueKindOf, type FeastValueKind } from './value-proto.js';

/**
 * One fcbench feature set as a Feast feature view: the view is the set's name, its features the
 * payload spec's names in payload order (f0.., i0.., s0.., emb), each stored in the entity's hash
 * under `murmur3_32("<view>:<feature>")` as 4 little-endian bytes (Feast's `_mmh3`), and the row's
 * event time under `_ts:<view>`. Built once per cascade or warm job.
 */
export interface FeastView {
  readonly name: string;
  readonly features: readonly string[];
  readonly kinds: readonly FeastValueKind[];
  /** Hash field of each feature, same order. */
  readonly fields: readonly Buffer[];
  readonly tsField: Buffer;
  /** `fields` then `tsField`: one HMGET's arguments. */
  readonly readFields: readonly Buffer[];
  /** A feature object of the payload's shape from values in feature order (the hidden class sources produce). */
  readonly build: (values: readonly unknown[]) => FeatureValues;
}

/** Feast's hash field of a feature: `_mmh3(f"{view}:{feature}")` in feast/infra/online_stores/helpers.py. */
export function featureField(view: string, feature: string): Buffer {
  const field = Buffer.allocUnsafe(4);
  field.writeUInt32LE(murmur3x86_32(Buffer.from(`${view}:${feature}`, 'utf8')));
  return field;
}

export function payloadFeatureNames(spec: PayloadSpec): string[] {
  const resolved = resolvePayloadSpec(spec);
  const names: string[] = [];
  for (let i = 0; i < resolved.floats; i++) names.push(`f${i}`);
  for (let i = 0; i < resolved.ints; i++) names.push(`i${i}`);
  for (let i = 0; i < resolved.strings; i++) names.push(`s${i}`);
  if (resolved.embedding > 0) names.push('emb');
  return names;
}

export function feastView(name: string, spec: PayloadSpec): FeastView {
  const features = payloadFeatureNames(spec);
  const fields = features.map((feature) => featureField(name, feature));
  const tsField = Buffer.from(`_ts:${name}`, 'utf8');
  return { name, features, kinds: features.map(valueKindOf), fields, tsField, readFields: [...fields, tsField], build: createFeatureObjectBuilder(spec) };
}
