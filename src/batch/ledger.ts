import type { SnapshotChain } from './snapshot-chain.js';
import type { SnapshotContent } from './snapshot-content.js';

/** The state of one snapshot version of a feature set, as the batch job moved it. */
export type SnapshotState = 'writing' | 'committed' | 'rolled-back';

/**
 * Batch truth during a run: per feature set its snapshot chain (what each version holds) and which
 * versions are committed, and since when. The batch job writes it; the freshness oracle reads it
 * on every served response, so reads are a Map lookup or two.
 */
export class SnapshotLedger {
  private readonly content: SnapshotContent;
  private readonly committed = new Map<string, string>();
  private readonly states = new Map<string, SnapshotState>();
  /** Feature sets with any batch event: the oracle skips all others outright. */
  private readonly batched: ReadonlySet<string>;

  /** `content` fixes what every version holds (from the scenario and seed, before the run starts). */
  constructor(content: SnapshotContent, sets: readonly { name: string; version: string }[], batched: ReadonlySet<string>) {
    this.content = content;
    this.batched = batched;
    for (const set of sets) {
      this.committed.set(set.name, set.version);
      this.states.set(stateKey(set.name, set.version), 'committed');
    }
  }

  chain(featureSet: string): SnapshotChain {
    return this.content.chain(featureSet);
  }

  hasBatches(featureSet: string): boolean {
    return this.batched.has(featureSet);
  }

  /** The latest committed version: what the feature store serves now. */
  committedVersion(featureSet: string): string {
    return this.committed.get(featureSet) ?? '';
  }

  state(featureSet: string, version: string): SnapshotState | undefined {
    return this.states.get(stateKey(featureSet, version));
  }

  begin(featureSet: string, version: string): void {
    this.states.set(stateKey(featureSet, version), 'writing');
  }

  commit(featureSet: string, version: string): void {
    this.states.set(stateKey(featureSet, version), 'committed');
    this.committed.set(featureSet, version);
  }

  rollback(featureSet: string, version: string): void {
    this.states.set(stateKey(featureSet, version), 'rolled-back');
  }
}

function stateKey(featureSet: string, version: string): string {
  return `${featureSet}\u0000${version}`;
}
