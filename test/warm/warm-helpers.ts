import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Redis } from 'ioredis';
import { writeFeatureArrow, writeFeatureParquet, type FeatureFileOptions, type FeatureRow } from '../../bench/feature-files.js';
import { createPayloadGenerator } from '../../src/workload/payload.js';
import { REPO_ROOT } from '../cli/cli-helpers.js';

/** The warm tests' scenario: Zipf 1.0 over 5,000 entities, feature set `feats` v3 (6 floats, 2 ints, 1 string, emb 4). */
export const WARM_SCENARIO = resolve(REPO_ROOT, 'test/warm/warm-zipf.yaml');
export const SPEC = { floats: 6, ints: 2, strings: 1, embedding: 4 };

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'fcb-warm-'));
}

/** Rows as the feature store holds them at v3 (the payload generator the simulated source uses). */
export function featureRows(count: number): FeatureRow[] {
  const generate = createPayloadGenerator(SPEC);
  return Array.from({ length: count }, (_, i) => ({ entity: String(i * 7), values: generate(String(i * 7), 'feats', 'v3') }));
}

export const COMMITTED_AT = new Date(Date.now() - 60_000).toISOString();

export async function writeBoth(dir: string, rows: FeatureRow[], options: Partial<FeatureFileOptions> = {}): Promise<{ parquet: string; arrow: string }> {
  const parquet = join(dir, 'rows.parquet');
  const arrow = join(dir, 'rows.arrow');
  const all = { spec: SPEC, metadata: { 'fcbench.snapshotVersion': 'v3', 'fcbench.committedAt': COMMITTED_AT }, rowGroupSize: 128, ...options };
  await writeFeatureParquet(parquet, rows, all);
  writeFeatureArrow(arrow, rows, all);
  return { parquet, arrow };
}

/** Every key under `prefix:` with its bytes (GETBUFFER), as hex, sorted by key. */
export async function snapshotPrefix(client: Redis, prefix: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) out.set(key.slice(prefix.length), (await client.getBuffer(key))!.toString('hex'));
  } while (cursor !== '0');
  return new Map([...out.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
}
