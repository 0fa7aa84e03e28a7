import { badInput } from '../errors.js';

/**
 * The warming manifest: JSON Lines. Line 1 is the header, every further line one entity to warm,
 * hottest first:
 *
 *     {"kind":"fcbench-manifest","version":1,"featureSet":"credit","snapshotVersion":"v7","batchId":"...","committedAt":"2026-...Z","ranking":"model"}
 *     {"entity":"4821","rank":0,"expectedShare":0.0712}
 *
 * `featureSet` is one set's name, or `"*"` when the manifest ranks (entity, set) pairs of several
 * sets together; its entries then carry `featureSet` too (and `snapshotVersion` is `"*"`: each
 * set's own version, named in the scenario). `--penalty` manifests add `penaltyMs` to each entry.
 * Pure: parsing and formatting only; files are read and written in manifest-read/-write.
 */

export const MANIFEST_KIND = 'fcbench-manifest';
export const MANIFEST_VERSION = 1;
/** The `featureSet` of a manifest that spans every feature set of its scenario. */
export const ALL_SETS = '*';

/** How the entries were ranked: the scenario's key distribution, a request log's counts, or either weighted by miss penalty. */
export type RankingKind = 'model' | 'trace' | 'model+penalty' | 'trace+penalty';
const RANKINGS: readonly RankingKind[] = ['model', 'trace', 'model+penalty', 'trace+penalty'];

export interface ManifestHeader {
  kind: typeof MANIFEST_KIND;
  version: typeof MANIFEST_VERSION;
  /** A feature set name, or `"*"` (entries name their set). */
  featureSet: string;
  /** The snapshot the values come from: the version in the Redis keys and in every envelope (`"*"` with `featureSet: "*"`). */
  snapshotVersion: string;
  /** The batch run that produced the snapshot (free text, for the record). */
  batchId: string;
  /** ISO 8601: when the snapshot was committed. The envelope's written-at, so reruns write identical bytes. */
  committedAt: string;
  ranking: RankingKind;
}

export interface ManifestEntry {
  entity: string;
  /** 0 = hottest. */
  rank: number;
  /** Expected fraction of all key lookups that ask for this entry. */
  expectedShare: number;
  /** Only in `"*"` manifests: the entry's feature set. */
  featureSet?: string;
  /** Only in penalty-ranked manifests: the source time a cold cache spends on this entry, ms (mean source latency x expected misses). */
  penaltyMs?: number;
}

const NAME_RE = /^[A-Za-z0-9_.-]+$/;

/** One header line (no newline). */
export function formatHeader(header: ManifestHeader): string {
  return JSON.stringify(header);
}

/** One entry line (no newline); field order fixed so equal manifests are equal files. */
export function formatEntry(entry: ManifestEntry): string {
  const fields: ManifestEntry = { entity: entry.entity, rank: entry.rank, expectedShare: entry.expectedShare };
  if (entry.featureSet !== undefined) fields.featureSet = entry.featureSet;
  if (entry.penaltyMs !== undefined) fields.penaltyMs = entry.penaltyMs;
  return JSON.stringify(fields);
}

/** `file:line: message`, exit 2. */
function bad(file: string, line: number, message: string): Error {
  return badInput(`${file}:${line}: ${message}`);
}

function parseJson(text: string, file: string, line: number, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw bad(file, line, `not a JSON ${what} (a manifest is JSON Lines: a header line, then one entry per line)`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw bad(file, line, `the ${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

function stringField(record: Record<string, unknown>, field: string, file: string, line: number, re?: RegExp): string {
  const value = record[field];
  if (typeof value !== 'string' || value === '') throw bad(file, line, `${field}: expected a non-empty string, got ${JSON.stringify(value) ?? 'nothing'}`);
  if (re !== undefined && !re.test(value)) throw bad(file, line, `${field}: ${JSON.stringify(value)} may contain only letters, digits, _ . -`);
  return value;
}

/** Parses and checks line 1. Throws exit-2 errors naming `file:1` and the field. */
export function parseHeader(text: string, file: string): ManifestHeader {
  const record = parseJson(text, file, 1, 'header');
  if (record['kind'] !== MANIFEST_KIND) throw bad(file, 1, `kind: expected "${MANIFEST_KIND}", got ${JSON.stringify(record['kind']) ?? 'nothing'} (is this a warming manifest?)`);
  if (record['version'] !== MANIFEST_VERSION) throw bad(file, 1, `version: this fcbench reads manifest version ${MANIFEST_VERSION}, got ${JSON.stringify(record['version']) ?? 'nothing'}`);
  const featureSet = record['featureSet'] === ALL_SETS ? ALL_SETS : stringField(record, 'featureSet', file, 1, NAME_RE);
  const snapshotVersion = record['snapshotVersion'] === ALL_SETS && featureSet === ALL_SETS ? ALL_SETS : stringField(record, 'snapshotVersion', file, 1, NAME_RE);
  const batchId = stringField(record, 'batchId', file, 1);
  const committedAt = stringField(record, 'committedAt', file, 1);
  if (!Number.isFinite(Date.parse(committedAt))) throw bad(file, 1, `committedAt: ${JSON.stringify(committedAt)} is not an ISO 8601 time`);
  const ranking = record['ranking'];
  if (!RANKINGS.includes(ranking as RankingKind)) throw bad(file, 1, `ranking: expected one of ${RANKINGS.join(', ')}, got ${JSON.stringify(ranking) ?? 'nothing'}`);
  return { kind: MANIFEST_KIND, version: MANIFEST_VERSION, featureSet, snapshotVersion, batchId, committedAt, ranking: ranking as RankingKind };
}

/** Parses and checks one entry line (`line` is 1-based, for messages). */
export function parseEntry(text: string, file: string, line: number, header: ManifestHeader): ManifestEntry {
  const record = parseJson(text, file, line, 'entry');
  const entity = record['entity'];
  if (typeof entity !== 'string' || entity === '') throw bad(file, line, `entity: expected a non-empty string, got ${JSON.stringify(entity) ?? 'nothing'}`);
  const rank = record['rank'];
  if (typeof rank !== 'number' || !Number.isInteger(rank) || rank < 0) throw bad(file, line, `rank: expected an integer >= 0, got ${JSON.stringify(rank) ?? 'nothing'}`);
  const share = record['expectedShare'];
  if (typeof share !== 'number' || !(share >= 0 && share <= 1)) throw bad(file, line, `expectedShare: expected a number in [0, 1], got ${JSON.stringify(share) ?? 'nothing'}`);
  const entry: ManifestEntry = { entity, rank, expectedShare: share };
  if (header.featureSet === ALL_SETS) entry.featureSet = stringField(record, 'featureSet', file, line, NAME_RE);
  else if (record['featureSet'] !== undefined && record['featureSet'] !== header.featureSet) {
    throw bad(file, line, `featureSet: ${JSON.stringify(record['featureSet'])} in a manifest of ${header.featureSet}`);
  }
  if (typeof record['penaltyMs'] === 'number') entry.penaltyMs = record['penaltyMs'];
  return entry;
}

/** The envelope's written-at: the snapshot's commit time, never the clock. */
export function committedAtMs(header: Pick<ManifestHeader, 'committedAt'>): number {
  return Date.parse(header.committedAt);
}
