import { badInput } from '../errors.js';
import { fnv1a32, mix32 } from '../workload/rng.js';

/**
 * The snapshot history of one feature set, as a batch pipeline produces it: a base version, then
 * versions that each change a fraction of the entities. Which entities change in a version is a
 * pure function of (seed, feature set, version, entity), so the simulated source, the PostgreSQL
 * loader, the batch job a run plays and the freshness oracle agree without storing anything.
 *
 * An entity's *content* at version v is the payload generated for its content version: the latest
 * version <= v in which it changed (the base version changes everyone). Two versions hold the same
 * bytes for an entity exactly when their content versions are equal, which is how "outdated" is
 * judged by content rather than by version label: most entities do not change between snapshots.
 */
export interface SnapshotStep {
  version: string;
  /** Fraction of entities whose values differ from the previous version, in [0, 1]. */
  changed: number;
  /**
   * Rolled back (the scenario says so up front): it holds its own changes, but versions after it
   * build on the one before it, as a batch job retried after a rollback would.
   */
  abandoned?: boolean;
}

export class SnapshotChain {
  readonly featureSet: string;
  private readonly seed: number;
  private readonly steps: SnapshotStep[];
  private readonly index = new Map<string, number>();

  constructor(seed: number, featureSet: string, baseVersion: string, later: readonly SnapshotStep[] = []) {
    this.seed = seed >>> 0;
    this.featureSet = featureSet;
    this.steps = [];
    this.add({ version: baseVersion, changed: 1 });
    for (const step of later) this.add(step);
  }

  /** Versions in order, the base first. */
  get versions(): readonly string[] {
    return this.steps.map((s) => s.version);
  }

  has(version: string): boolean {
    return this.index.has(version);
  }

  /** Appends a version; a repeated version or a fraction outside [0, 1] is bad input. */
  add(step: SnapshotStep): void {
    if (this.index.has(step.version)) throw badInput(`featureSets.${this.featureSet}: snapshot version ${JSON.stringify(step.version)} is already in use`);
    if (!(step.changed >= 0 && step.changed <= 1)) throw badInput(`featureSets.${this.featureSet}: changed must be in 0..1, got ${String(step.changed)}`);
    this.index.set(step.version, this.steps.length);
    this.steps.push({ ...step });
  }

  /** Whether `entity`'s values differ between `version` and the version before it (the base: always). */
  changedIn(entity: string, version: string): boolean {
    const at = this.position(version);
    if (at === 0) return true;
    const changed = this.steps[at]!.changed;
    if (changed >= 1) return true;
    if (changed <= 0) return false;
    return this.unitHash(entity, version) < changed;
  }

  /** The version whose generated payload is `entity`'s content at `version`. O(versions) at worst. */
  contentVersion(entity: string, version: string): string {
    const start = this.position(version);
    for (let at = start; at > 0; at--) {
      const step = this.steps[at]!;
      if (at !== start && step.abandoned === true) continue;
      if (this.changedIn(entity, step.version)) return step.version;
    }
    return this.steps[0]!.version;
  }

  /** True when `entity` holds the same bytes at versions `a` and `b`. */
  sameContent(entity: string, a: string, b: string): boolean {
    return a === b || this.contentVersion(entity, a) === this.contentVersion(entity, b);
  }

  private position(version: string): number {
    const at = this.index.get(version);
    if (at === undefined) throw badInput(`featureSets.${this.featureSet}: unknown snapshot version ${JSON.stringify(version)} (known: ${this.versions.join(', ')})`);
    return at;
  }

  /** A uniform draw in [0, 1) from (seed, set, version, entity): no state, same on every machine. */
  private unitHash(entity: string, version: string): number {
    const h = mix32(fnv1a32(`${this.featureSet}\u0000${version}\u0000${entity}`) ^ mix32(this.seed));
    return h / 4294967296;
  }
}
