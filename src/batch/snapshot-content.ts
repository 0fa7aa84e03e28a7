import { badInput } from '../errors.js';
import { DEFAULT_STRING_LENGTH } from '../workload/payload.js';
import type { FeatureValues, PayloadSpec } from '../workload/types.js';
import { SnapshotChain, type SnapshotStep } from './snapshot-chain.js';

/**
 * What every snapshot version of every feature set holds, as a pure function: an entity's values
 * at version v are `payload(entity, set, chain.contentVersion(entity, v))`. The PostgreSQL loader,
 * the snapshot writer a run's batch job uses, the simulated source and the freshness oracle all
 * read their bytes from here, so they cannot disagree.
 */

/** One feature set as the snapshot model needs it (a subset of `featureSets[]`). */
export interface SnapshotFeatureSet {
  name: string;
  /** Base version: the snapshot every entity has before any batch publication. */
  version: string;
  payload: PayloadSpec;
}

export interface SnapshotContent {
  /** The chain of `featureSet` (bad input for an unknown set). */
  chain(featureSet: string): SnapshotChain;
  /** `entity`'s values in `featureSet` at snapshot `version`. */
  valuesAt(entity: string, featureSet: string, version: string): FeatureValues;
  /** Whether `entity` holds other bytes at `version` than at `fromVersion`. */
  differs(entity: string, featureSet: string, version: string, fromVersion: string): boolean;
  /**
   * What determines the bytes of (set, version) besides the entity: the payload shape and, past the
   * base, the seed and the chain up to that version. Stored with a loaded snapshot so a store
   * filled for another shape or seed is recognised, not silently served.
   */
  fingerprint(featureSet: string, version: string): string;
}

/**
 * @param seed the scenario's seed (which entities change in a later version depends on it)
 * @param later later snapshot versions per feature set, in order (from batch-publish events); @default {}
 */
export function createSnapshotContent(
  seed: number,
  featureSets: readonly SnapshotFeatureSet[],
  payload: (entity: string, featureSet: string, version: string) => FeatureValues,
  later: Readonly<Record<string, readonly SnapshotStep[]>> = {},
): SnapshotContent {
  const chains = new Map<string, SnapshotChain>();
  const shapes = new Map<string, string>();
  for (const set of featureSets) {
    chains.set(set.name, new SnapshotChain(seed, set.name, set.version, later[set.name] ?? []));
    shapes.set(set.name, shapeOf(set.payload));
  }
  for (const name of Object.keys(later)) if (!chains.has(name)) throw badInput(`snapshot steps for unknown feature set ${JSON.stringify(name)}`);
  const chain = (featureSet: string): SnapshotChain => {
    const found = chains.get(featureSet);
    if (found === undefined) throw badInput(`unknown feature set ${JSON.stringify(featureSet)} (known: ${[...chains.keys()].join(', ')})`);
    return found;
  };
  return {
    chain,
    valuesAt: (entity, featureSet, version) => payload(entity, featureSet, chain(featureSet).contentVersion(entity, version)),
    differs: (entity, featureSet, version, fromVersion) => !chain(featureSet).sameContent(entity, version, fromVersion),
    fingerprint(featureSet, version) {
      const c = chain(featureSet);
      const at = c.versions.indexOf(version);
      if (at < 0) throw badInput(`featureSets.${featureSet}: unknown snapshot version ${JSON.stringify(version)} (known: ${c.versions.join(', ')})`);
      const shape = `payload ${shapes.get(featureSet)!}`;
      if (at === 0) return shape;
      const steps = c.versions.slice(1, at + 1).map((v) => `${v}:${changedOf(later[featureSet] ?? [], v)}`);
      return `${shape}; seed ${seed >>> 0}; from ${c.versions[0]!} ${steps.join(' ')}`;
    },
  };
}

/** The payload shape with defaults applied, in a fixed key order (two specs that give the same bytes agree). */
function shapeOf(spec: PayloadSpec): string {
  return JSON.stringify({ floats: spec.floats, ints: spec.ints, strings: spec.strings, embedding: spec.embedding, stringLength: spec.stringLength ?? DEFAULT_STRING_LENGTH });
}

function changedOf(steps: readonly SnapshotStep[], version: string): number {
  return steps.find((s) => s.version === version)?.changed ?? 1;
}
