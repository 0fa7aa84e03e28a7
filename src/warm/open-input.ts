import { open } from 'node:fs/promises';
import { badInput } from '../errors.js';
import type { Source } from '../cascade/source.js';
import type { ResolvedTtl } from '../cascade/options.js';
import type { CodecOptions } from '../codec/types.js';
import { openWorkerInput } from './worker-input.js';
import type { Scenario } from '../scenario/schema.js';
import { committedAtMs } from './manifest-format.js';
import { countManifestEntries, openManifest } from './manifest-read.js';
import { modelRanking } from './model-ranking.js';
import { sourceInput, type NamedEntity } from './source-input.js';
import type { WarmInput } from './warm-input.js';
import { readTraceFile } from '../workload/trace-replay.js';
import { resolve } from 'node:path';

/**
 * Opens what a warm job reads, checking its header and schema first (nothing is written before):
 * a manifest (values from the source), a Parquet or Arrow file of feature rows, or the model's top
 * N of every feature set (in-run `warm: { top }`). File kinds are told by their first bytes.
 */

export type WarmSource =
  | { kind: 'file'; file: string }
  | { kind: 'manifest' | 'parquet' | 'arrow'; file: string }
  | { kind: 'top'; top: number; committedAtMs: number };

export interface OpenInputContext {
  scenario: Scenario;
  scenarioDir: string;
  /** Parquet / Arrow: the rows' feature set; a manifest: one set of a `"*"` manifest. @default the only set */
  featureSet?: string | undefined;
  /** @default "entity" */
  entityColumn?: string | undefined;
  /** The feature store, built only when the input needs values from it. */
  source: () => Promise<Source>;
  /** Counts source fetches. */
  onFetch?: (() => void) | undefined;
  /**
   * Parquet / Arrow: read and encode on a worker thread with these (the writer then only pipelines).
   * @default in-thread reading, the writer encodes
   */
  encodeWith?: { codec: CodecOptions; ttlOf(featureSet: string): ResolvedTtl; batch: number } | undefined;
}

export async function openWarmInput(what: WarmSource, context: OpenInputContext): Promise<WarmInput> {
  const kind = what.kind === 'file' ? await sniff(what.file) : what.kind;
  const { scenario } = context;
  if (what.kind === 'top' || kind === 'top') return topInput(what as Extract<WarmSource, { kind: 'top' }>, context);
  const file = (what as { file: string }).file;
  if (kind === 'manifest') return manifestInput(file, context);
  const set = featureSetFor(scenario, context.featureSet, file);
  const options = { file, featureSet: set, entityColumn: context.entityColumn ?? 'entity' };
  if (context.encodeWith !== undefined) {
    const encode = context.encodeWith;
    const viaWorker = await openWorkerInput(kind, options, encode.codec, encode.ttlOf(set.name), encode.batch);
    if (viaWorker !== null) return viaWorker;
  }
  // Loaded on demand: the Parquet and Arrow readers are large, and most commands never need them.
  if (kind === 'parquet') return (await import('./parquet-input.js')).openParquetInput(options);
  return (await import('./arrow-input.js')).openArrowInput(options);
}

function featureSetFor(scenario: Scenario, name: string | undefined, file: string): Scenario['featureSets'][number] {
  if (name === undefined) {
    if (scenario.featureSets.length === 1) return scenario.featureSets[0]!;
    throw badInput(`${file}: the scenario has ${scenario.featureSets.length} feature sets; name the file's with --feature-set (warm.featureSet)`);
  }
  const set = scenario.featureSets.find((s) => s.name === name);
  if (set === undefined) throw badInput(`--feature-set ${name}: the scenario has no such feature set (has: ${scenario.featureSets.map((s) => s.name).join(', ')})`);
  return set;
}

/** manifest (JSON text or gzip), parquet (`PAR1`), arrow (`ARROW1` file, or a stream's 0xFFFFFFFF continuation). */
async function sniff(file: string): Promise<'manifest' | 'parquet' | 'arrow'> {
  const head = Buffer.alloc(8);
  let length = 0;
  try {
    const handle = await open(file, 'r');
    try {
      length = (await handle.read(head, 0, 8, 0)).bytesRead;
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw badInput(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const text = head.subarray(0, length).toString('latin1');
  if (text.startsWith('PAR1')) return 'parquet';
  if (text.startsWith('ARROW1') || head.readUInt32LE(0) === 0xffffffff) return 'arrow';
  if (text.trimStart().startsWith('{') || (head[0] === 0x1f && head[1] === 0x8b)) return 'manifest';
  throw badInput(`${file}: not a warming manifest, Parquet or Arrow IPC file (${length === 0 ? 'empty' : 'unknown first bytes'})`);
}

async function manifestInput(file: string, context: OpenInputContext): Promise<WarmInput> {
  const { scenario } = context;
  const manifest = await openManifest(file, scenario.featureSets, context.featureSet);
  const versions = new Map(scenario.featureSets.map((s) => [s.name, s.version]));
  const writtenAtMs = committedAtMs(manifest.header);
  let source: Source;
  try {
    source = await context.source();
  } catch (error) {
    manifest.close();
    throw error;
  }
  // A joint manifest filtered to one set has fewer rows than lines: no total, no ETA then.
  const total = manifest.header.featureSet === '*' && context.featureSet !== undefined ? null : await countManifestEntries(file);
  return sourceInput({
    name: file,
    total,
    entities: () => manifest.entries,
    source,
    onFetch: context.onFetch,
    stampOf: (set) => ({ version: versions.get(set)!, writtenAtMs }),
    close: async () => manifest.close(),
  });
}

/** The model's top N of every feature set, interleaved by rank (hottest of each set first). */
async function topInput(what: Extract<WarmSource, { kind: 'top' }>, context: OpenInputContext): Promise<WarmInput> {
  const { scenario } = context;
  const d = scenario.keys.distribution;
  const spec = d.kind === 'trace' ? { ...d, file: resolve(context.scenarioDir, d.file) } : d;
  const ranking = modelRanking(spec, scenario.keys.entities, scenario.seed, spec.kind === 'trace' ? readTraceFile(spec.file) : undefined);
  const sets = context.featureSet === undefined ? scenario.featureSets : [featureSetFor(scenario, context.featureSet, `warm.top`)];
  const count = Math.min(what.top, ranking.size);
  const versions = new Map(scenario.featureSets.map((s) => [s.name, s.version]));
  const source = await context.source();
  return sourceInput({
    name: `top ${what.top}`,
    total: count * sets.length,
    *entities(): Iterable<NamedEntity> {
      for (let rank = 0; rank < count; rank++) {
        const entity = ranking.entityAt(rank);
        for (const set of sets) yield { entity, featureSet: set.name };
      }
    },
    source,
    onFetch: context.onFetch,
    stampOf: (set) => ({ version: versions.get(set)!, writtenAtMs: what.committedAtMs }),
  });
}
