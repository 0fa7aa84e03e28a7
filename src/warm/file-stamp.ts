import { stat } from 'node:fs/promises';
import { badInput } from '../errors.js';
import type { WarmStamp } from './warm-input.js';

/**
 * The snapshot stamp of a feature-row file, from its key-value metadata (Parquet footer, Arrow
 * schema metadata): `fcbench.featureSet`, `fcbench.snapshotVersion`, `fcbench.committedAt`
 * (ISO 8601). Without a version the feature set's own is taken; without a commit time the file's
 * modification time, so the same file always warms the same bytes.
 */
export const META_FEATURE_SET = 'fcbench.featureSet';
export const META_SNAPSHOT_VERSION = 'fcbench.snapshotVersion';
export const META_COMMITTED_AT = 'fcbench.committedAt';

export async function fileStamp(file: string, metadata: ReadonlyMap<string, string>, set: { name: string; version: string }): Promise<WarmStamp> {
  const declaredSet = metadata.get(META_FEATURE_SET);
  if (declaredSet !== undefined && declaredSet !== set.name) {
    throw badInput(`${file}: metadata ${META_FEATURE_SET}: the file holds ${JSON.stringify(declaredSet)}, warming ${set.name} (choose it with --feature-set)`);
  }
  const version = metadata.get(META_SNAPSHOT_VERSION) ?? set.version;
  if (version !== set.version) {
    throw badInput(`${file}: metadata ${META_SNAPSHOT_VERSION}: the file is snapshot ${version} of ${set.name}, the scenario reads ${set.version} (its keys would never be read)`);
  }
  const committed = metadata.get(META_COMMITTED_AT);
  if (committed !== undefined) {
    const ms = Date.parse(committed);
    if (!Number.isFinite(ms)) throw badInput(`${file}: metadata ${META_COMMITTED_AT}: ${JSON.stringify(committed)} is not an ISO 8601 time`);
    return { version, writtenAtMs: ms };
  }
  return { version, writtenAtMs: Math.floor((await stat(file)).mtimeMs) };
}
