import { badInput } from '../errors.js';
import { HotspotSampler } from './hotspot.js';
import { createRng, deriveSeed, nextInt, toSeed32 } from './rng.js';
import { createScrambler, identityScrambler, type Scrambler } from './scramble.js';
import { readTraceFile, tracePositionsByFrequency, TraceReplaySampler, type TraceKeys } from './trace-replay.js';
import type { KeySampler, Rng } from './types.js';
import { ZipfSampler } from './zipf.js';

/**
 * Key distributions, as in the scenario's `keys.distribution`. Declared here structurally (not
 * imported from the scenario schema) so the workload module depends on nothing above it; the
 * scenario schema's `z.infer` type must stay assignable to this one.
 */
export type DistributionSpec =
  | { kind: 'zipf'; exponent: number; scramble: boolean }
  | { kind: 'uniform' }
  | { kind: 'hotspot'; hotFraction: number; hotShare: number }
  | { kind: 'latest'; exponent: number }
  | { kind: 'trace'; file: string; loop: boolean };

/**
 * The id of entity `index`: its decimal string. Compact, stable, and the same format trace files
 * use for integer entries, so sources, warmers and manifests agree on names.
 */
export function entityId(index: number): string {
  return String(index);
}

export interface KeyChooser {
  /** The next entity id to request; `null` once a trace with `loop: false` is exhausted. */
  next(): string | null;
  /**
   * The entity id at popularity rank `rank` (0 = hottest), or `null` past the last rank. For
   * uniform, every rank is equally hot and ranks follow entity order.
   */
  entityOfRank(rank: number): string | null;
  /** Number of distinct entities this chooser can return. */
  readonly size: number;
}

export interface KeyChooserOptions {
  /**
   * The stream keys are drawn from. Give each concurrent consumer its own fork; the rank ->
   * entity mapping does not depend on it.
   * @default createRng(seed).fork('keys')
   */
  rng?: Rng;
  /** An already parsed trace for `kind: 'trace'`, to avoid reading the file again. @default read from spec.file */
  trace?: TraceKeys;
}

interface Plan {
  sampler: KeySampler;
  size: number;
  /** Entity id of the sampler's output (an index, or a trace position). */
  idOf(sampled: number): string;
  /** Sampler output at popularity rank `rank`, for `rank < size`. */
  sampledAtRank(rank: number): number;
}

/** Builds the sampler and mappings; everything here depends only on (spec, entities, seed). */
function plan(spec: DistributionSpec, entities: number, seed: number, preloaded?: TraceKeys): Plan {
  if (spec.kind !== 'trace' && (!Number.isInteger(entities) || entities < 1)) {
    throw badInput(`keys.entities: must be an integer >= 1, got ${String(entities)}`);
  }
  switch (spec.kind) {
    case 'zipf': {
      const zipf = new ZipfSampler(entities, spec.exponent);
      const scrambler: Scrambler = spec.scramble
        ? createScrambler(entities, deriveSeed(toSeed32(seed), 'scramble'))
        : identityScrambler(entities);
      return {
        sampler: { next: (rng) => scrambler.map(zipf.next(rng)) },
        size: entities,
        idOf: entityId,
        sampledAtRank: (rank) => scrambler.map(rank),
      };
    }
    case 'latest': {
      // Recency: rank 0 is the newest entity, n - 1.
      const zipf = new ZipfSampler(entities, spec.exponent);
      const newest = entities - 1;
      return {
        sampler: { next: (rng) => newest - zipf.next(rng) },
        size: entities,
        idOf: entityId,
        sampledAtRank: (rank) => newest - rank,
      };
    }
    case 'uniform':
      return {
        sampler: { next: (rng) => nextInt(rng, entities) },
        size: entities,
        idOf: entityId,
        sampledAtRank: (rank) => rank,
      };
    case 'hotspot':
      return {
        sampler: new HotspotSampler(entities, spec.hotFraction, spec.hotShare),
        size: entities,
        idOf: entityId,
        sampledAtRank: (rank) => rank,
      };
    case 'trace': {
      const trace = preloaded ?? readTraceFile(spec.file);
      let byFrequency: number[] | undefined;
      return {
        sampler: new TraceReplaySampler(trace, spec.loop),
        size: trace.ids.length,
        idOf: (position) => trace.ids[position] as string,
        sampledAtRank: (rank) => {
          // Sorting is O(u log u) in distinct ids: only pay for it when ranks are asked for.
          byFrequency ??= tracePositionsByFrequency(trace);
          return byFrequency[rank] as number;
        },
      };
    }
    default: {
      const unknown: never = spec;
      throw badInput(`keys.distribution.kind: unknown kind ${JSON.stringify((unknown as { kind: unknown }).kind)}`);
    }
  }
}

/**
 * Chooses entity ids by the configured distribution. The key sequence is a pure function of
 * (spec, entities, seed, rng stream); the rank -> entity mapping of (spec, entities, seed) alone.
 */
export function createKeyChooser(
  spec: DistributionSpec,
  entities: number,
  seed: number,
  options: KeyChooserOptions = {},
): KeyChooser {
  const { sampler, size, idOf, sampledAtRank } = plan(spec, entities, seed, options.trace);
  const rng = options.rng ?? createRng(seed).fork('keys');
  return {
    size,
    next(): string | null {
      const sampled = sampler.next(rng);
      return sampled < 0 ? null : idOf(sampled);
    },
    entityOfRank(rank: number): string | null {
      if (!Number.isInteger(rank) || rank < 0 || rank >= size) return null;
      return idOf(sampledAtRank(rank));
    },
  };
}

/**
 * The chooser's stream as entity indexes (a trace's positions), for hot loops that key typed
 * arrays by entity: the same draws as {@link createKeyChooser} with the same rng stream, without
 * building an id string per request. `nextIndex()` is -1 once a non-looping trace is exhausted.
 */
export interface IndexChooser {
  readonly size: number;
  nextIndex(): number;
  /** The entity id of an index. */
  idOf(index: number): string;
  /** The index at popularity rank `rank` (0 = hottest), for `rank < size`. */
  indexOfRank(rank: number): number;
}

export function createIndexChooser(spec: DistributionSpec, entities: number, seed: number, options: KeyChooserOptions = {}): IndexChooser {
  const { sampler, size, idOf, sampledAtRank } = plan(spec, entities, seed, options.trace);
  const rng = options.rng ?? createRng(seed).fork('keys');
  return { size, nextIndex: () => sampler.next(rng), idOf, indexOfRank: sampledAtRank };
}

/**
 * The `topN` hottest entity ids, hottest first (for `expire-hot` and warming): zipf/latest ranks
 * 0..N-1 through the same scramble the chooser uses; hotspot and uniform the first N entities;
 * trace the N most frequent ids in the file. Returns fewer when there are fewer entities.
 */
export function hottestEntities(
  spec: DistributionSpec,
  entities: number,
  seed: number,
  topN: number,
  options: Pick<KeyChooserOptions, 'trace'> = {},
): string[] {
  if (!Number.isInteger(topN) || topN < 0) {
    throw badInput(`top: must be an integer >= 0, got ${String(topN)}`);
  }
  const { size, idOf, sampledAtRank } = plan(spec, entities, seed, options.trace);
  const count = Math.min(topN, size);
  const result: string[] = new Array<string>(count);
  for (let rank = 0; rank < count; rank++) result[rank] = idOf(sampledAtRank(rank));
  return result;
}
