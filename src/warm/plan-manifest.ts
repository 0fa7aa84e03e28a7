import { badInput } from '../errors.js';
import type { Scenario } from '../scenario/schema.js';
import { ALL_SETS, MANIFEST_KIND, MANIFEST_VERSION, type ManifestEntry, type ManifestHeader, type RankingKind } from './manifest-format.js';
import { expectedMisses, lookupsPerSecond, sourceMeanLatencyMs } from './miss-penalty.js';
import type { Ranking } from './model-ranking.js';

/**
 * What `fcbench manifest` writes: a header and the top-N entries, streamed from a lazy entity
 * ranking. With several feature sets and no `featureSet` chosen, the (entity, set) pairs of every
 * set are ranked together by a k-way merge of the per-set streams (each already hottest first),
 * so nothing is held but one head per set. Pure.
 */

export interface ManifestPlanOptions {
  /** Entity ranking of the scenario's key distribution or of a request log. */
  ranking: Ranking;
  source: 'model' | 'trace';
  top: number;
  /** One set's name; null: the only set, or every set ranked together (`"*"`). */
  featureSet: string | null;
  penalty: boolean;
  batchId: string;
  /** ISO 8601. */
  committedAt: string;
}

export interface ManifestPlan {
  header: ManifestHeader;
  entries: () => Iterable<ManifestEntry>;
  /** Entries available before `top` cuts (for the `--top` check and messages). */
  available: number;
}

interface SetStream {
  name: string;
  /** Fraction of lookups that go to this set. */
  lookupShare: number;
  /** ms of source time per expected miss x horizon factors, folded into one function. */
  penaltyOf(share: number): number;
  next: number;
}

export function planManifest(scenario: Scenario, options: ManifestPlanOptions): ManifestPlan {
  const sets = chooseSets(scenario, options.featureSet);
  const { ranking } = options;
  const available = ranking.size * sets.length;
  if (!Number.isInteger(options.top) || options.top < 1) throw badInput(`--top ${options.top}: expected an integer >= 1`);
  if (options.top > available) {
    const what = sets.length === 1 ? `${ranking.size} entities` : `${ranking.size} entities x ${sets.length} feature sets = ${available} keys`;
    throw badInput(`--top ${options.top}: the scenario has only ${what} to rank`);
  }
  const one = sets.length === 1 ? sets[0]! : null;
  const kind: RankingKind = `${options.source}${options.penalty ? '+penalty' : ''}` as RankingKind;
  const header: ManifestHeader = {
    kind: MANIFEST_KIND,
    version: MANIFEST_VERSION,
    featureSet: one?.name ?? ALL_SETS,
    snapshotVersion: one?.version ?? ALL_SETS,
    batchId: options.batchId,
    committedAt: options.committedAt,
    ranking: kind,
  };
  const totalWeight = scenario.featureSets.reduce((sum, set) => sum + set.weight, 0);
  const perSecond = lookupsPerSecond(scenario);
  const latencyMs = sourceMeanLatencyMs(scenario);
  const horizonMs = scenario.duration;
  const streams = (): SetStream[] =>
    sets.map((set) => {
      const lookupShare = scenario.request.featureSets === 'all' ? 1 / scenario.featureSets.length : set.weight / totalWeight;
      return { name: set.name, lookupShare, next: 0, penaltyOf: (share) => latencyMs * expectedMisses(share, perSecond, set.ttl.hard, horizonMs) };
    });
  return {
    header,
    available,
    *entries() {
      const heads = streams();
      for (let rank = 0; rank < options.top; rank++) {
        // The head with the largest weight; ties go to the set listed first (deterministic).
        let best: SetStream | null = null;
        let bestWeight = -1;
        for (const head of heads) {
          if (head.next >= ranking.size) continue;
          const share = ranking.shareAt(head.next) * head.lookupShare;
          const weight = options.penalty ? head.penaltyOf(share) : share;
          if (weight > bestWeight) {
            best = head;
            bestWeight = weight;
          }
        }
        if (best === null) return;
        const share = ranking.shareAt(best.next) * best.lookupShare;
        const entry: ManifestEntry = { entity: ranking.entityAt(best.next), rank, expectedShare: share };
        if (one === null) entry.featureSet = best.name;
        if (options.penalty) entry.penaltyMs = best.penaltyOf(share);
        best.next++;
        yield entry;
      }
    },
  };
}

function chooseSets(scenario: Scenario, featureSet: string | null): Scenario['featureSets'] {
  if (featureSet === null) return scenario.featureSets;
  const set = scenario.featureSets.find((s) => s.name === featureSet);
  if (set === undefined) throw badInput(`--feature-set ${featureSet}: the scenario has no such feature set (has: ${scenario.featureSets.map((s) => s.name).join(', ')})`);
  return [set];
}
