import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** test/fixtures/feast/feast-vectors.json: each vector names the Feast file and commit it came from. */
export interface FeastVectors {
  feastCommit: string;
  redisKeys: { from: string; project: string; joinKey: string; entityType: 'int32' | 'int64' | 'string'; entity: string; hex: string }[];
  entityKeys: { from: string; joinKey: string; entityType: 'int32' | 'int64' | 'string'; entity: string; hex: string }[];
  fieldNames: { from: string; text: string; hex: string }[];
  murmur3Published: { cases: { text: string; seed: number; hash: number }[] };
  values: { text: string; hex: string }[];
  timestamps: { text: string; hex: string }[];
  hashes: { featureView: string; joinKey: string; served: Record<string, FeastRow>; warmed: Record<string, FeastRow> };
}
export interface FeastRow {
  values: Record<string, { text: string; hex: string }>;
  ts: { text: string; hex: string };
}

export const VECTORS_FILE = fileURLToPath(new URL('../fixtures/feast/feast-vectors.json', import.meta.url));
export const vectors = JSON.parse(readFileSync(VECTORS_FILE, 'utf8')) as FeastVectors;
export const hex = (text: string): Buffer => Buffer.from(text, 'hex');
