import { createInterface } from 'node:readline';
import { badInput } from '../errors.js';
import { openText } from './request-log.js';
import { ALL_SETS, parseEntry, parseHeader, type ManifestEntry, type ManifestHeader } from './manifest-format.js';

/**
 * Entries in a manifest (non-empty lines after the header), by one streamed pass: the warm job's
 * progress bar shows an ETA from it. Cheap next to fetching each entry's values.
 */
export async function countManifestEntries(file: string): Promise<number> {
  let lines = 0;
  const reader = createInterface({ input: await openText(file), crlfDelay: Infinity });
  for await (const line of reader) if (line.trim() !== '') lines++;
  return Math.max(0, lines - 1);
}

/** A feature set as the reader checks a manifest against it. */
export interface KnownSet {
  name: string;
  version: string;
}

export interface OpenManifest {
  header: ManifestHeader;
  /** The entries, streamed, each checked (bad line -> exit 2 naming file:line); closes the file at the end. */
  entries: AsyncIterable<ManifestEntry & { featureSet: string }>;
  close(): void;
}

/**
 * Opens a manifest and checks its header before anything else: kind, version, a feature set the
 * scenario has at the same snapshot version (else its keys would never be read). `featureSet`
 * picks one set of a `"*"` manifest. Errors are exit 2 naming the file and line.
 */
export async function openManifest(file: string, sets: readonly KnownSet[], featureSet?: string): Promise<OpenManifest> {
  const lines = createInterface({ input: await openText(file), crlfDelay: Infinity });
  const iterator = lines[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done === true || first.value.trim() === '') {
    lines.close();
    throw badInput(`${file}:1: empty manifest (expected a header line {"kind":"fcbench-manifest",...})`);
  }
  let header: ManifestHeader;
  try {
    header = parseHeader(first.value, file);
    checkSets(header, sets, file, featureSet);
  } catch (error) {
    lines.close();
    throw error;
  }
  const known = new Map(sets.map((s) => [s.name, s]));
  async function* entries(): AsyncGenerator<ManifestEntry & { featureSet: string }> {
    let lineNo = 1;
    try {
      for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) {
        lineNo++;
        if (next.value.trim() === '') continue;
        const entry = parseEntry(next.value, file, lineNo, header);
        const set = entry.featureSet ?? header.featureSet;
        if (!known.has(set)) throw badInput(`${file}:${lineNo}: featureSet: the scenario has no feature set ${JSON.stringify(set)}`);
        if (featureSet !== undefined && set !== featureSet) continue;
        yield { ...entry, featureSet: set };
      }
    } finally {
      lines.close();
    }
  }
  return { header, entries: entries(), close: () => lines.close() };
}

function checkSets(header: ManifestHeader, sets: readonly KnownSet[], file: string, featureSet: string | undefined): void {
  const names = sets.map((s) => s.name).join(', ');
  if (header.featureSet === ALL_SETS) {
    if (featureSet !== undefined && !sets.some((s) => s.name === featureSet)) throw badInput(`--feature-set ${featureSet}: the scenario has no such feature set (has: ${names})`);
    return;
  }
  const set = sets.find((s) => s.name === header.featureSet);
  if (set === undefined) throw badInput(`${file}:1: featureSet: the manifest is for ${JSON.stringify(header.featureSet)}, the scenario has ${names}`);
  if (featureSet !== undefined && featureSet !== header.featureSet) {
    throw badInput(`${file}:1: featureSet: the manifest is for ${JSON.stringify(header.featureSet)}, --feature-set asks for ${featureSet}`);
  }
  if (header.snapshotVersion !== set.version) {
    throw badInput(
      `${file}:1: snapshotVersion: the manifest is of ${header.featureSet} ${header.snapshotVersion}, the scenario reads ${set.version} (its keys would never be read)`,
    );
  }
}
