import type { Trace } from '../cascade/trace.js';
import type { PublicationResult } from '../results/result-types.js';
import type { SnapshotLedger } from './ledger.js';

/** What the batch job tells the oracle about one publication, as it happens (clock µs). */
export interface PublicationState {
  readonly featureSet: string;
  readonly version: string;
  readonly publication: PublicationResult['publication'];
  readonly invalidation: PublicationResult['invalidation'];
  startedUs: number;
  committedUs: number | null;
  publishedUs: number | null;
  appliedUs: number | null;
  rolledBackUs: number | null;
  changedEntities: number;
  redisCommands: number;
  outdatedServed: number;
  uncommittedServed: number;
  lastOutdatedUs: { local: number; redis: number; source: number };
  lastOutdatedByReplica: number[];
}

type ServedTier = 'local' | 'redis' | 'source';

/**
 * Judges every served value against batch truth (the ledger), by content: a value is `outdated`
 * when its bytes differ from the latest committed snapshot's for that entity, `uncommitted` when
 * it comes from a snapshot still being written or rolled back. Either replaces the cascade's own
 * `soft-expired` mark (a wrong value matters more than an old one) and is charged to the
 * publication that made it wrong. Feature sets without batch events cost one Set lookup.
 */
export class FreshnessOracle {
  private readonly ledger: SnapshotLedger;
  private readonly byVersion = new Map<string, PublicationState>();
  private readonly all: PublicationState[] = [];
  private originUs = 0;

  constructor(ledger: SnapshotLedger) {
    this.ledger = ledger;
  }

  /** t = 0 of the result's times. */
  start(originUs: number): void {
    this.originUs = originUs;
  }

  /** A batch-publish began writing its snapshot. */
  opened(state: Omit<PublicationState, 'outdatedServed' | 'uncommittedServed' | 'lastOutdatedUs' | 'lastOutdatedByReplica'>): PublicationState {
    const full: PublicationState = {
      ...state,
      outdatedServed: 0,
      uncommittedServed: 0,
      lastOutdatedUs: { local: 0, redis: 0, source: 0 },
      lastOutdatedByReplica: [],
    };
    this.byVersion.set(key(state.featureSet, state.version), full);
    this.all.push(full);
    return full;
  }

  judge(trace: Trace, entity: string, featureSet: string, nowUs: number, replica: number): void {
    const served = trace.version;
    if (served === '' || !this.ledger.hasBatches(featureSet)) return;
    const committed = this.ledger.committedVersion(featureSet);
    if (served === committed) return;
    const state = this.ledger.state(featureSet, served);
    if (state === 'committed') {
      if (this.ledger.chain(featureSet).sameContent(entity, served, committed)) return;
      trace.stale = 'outdated';
      const publication = this.byVersion.get(key(featureSet, committed));
      if (publication === undefined) return;
      publication.outdatedServed++;
      const tier = trace.servedBy as ServedTier;
      if (tier in publication.lastOutdatedUs) publication.lastOutdatedUs[tier] = nowUs;
      while (publication.lastOutdatedByReplica.length <= replica) publication.lastOutdatedByReplica.push(0);
      publication.lastOutdatedByReplica[replica] = nowUs;
      return;
    }
    // Writing or rolled back: values a reader should never have seen.
    trace.stale = 'uncommitted';
    const publication = this.byVersion.get(key(featureSet, served));
    if (publication !== undefined) publication.uncommittedServed++;
  }

  /** The per-publication section of the result, times in ms since `start`. */
  results(): PublicationResult[] {
    const ms = (us: number | null) => (us === null ? null : (us - this.originUs) / 1000);
    return this.all.map((p) => {
      const windowFrom = (lastUs: number) => (p.committedUs === null || lastUs === 0 ? 0 : Math.max(0, (lastUs - p.committedUs) / 1000));
      const byTier = { local: windowFrom(p.lastOutdatedUs.local), redis: windowFrom(p.lastOutdatedUs.redis), source: windowFrom(p.lastOutdatedUs.source) };
      let worst: PublicationResult['worstReplica'] = null;
      p.lastOutdatedByReplica.forEach((lastUs, id) => {
        const windowMs = windowFrom(lastUs);
        if (lastUs > 0 && (worst === null || windowMs > worst.windowMs)) worst = { id, windowMs };
      });
      return {
        at: ms(p.startedUs) ?? 0,
        featureSet: p.featureSet,
        version: p.version,
        publication: p.publication,
        invalidation: p.invalidation,
        committedAt: ms(p.committedUs),
        publishedAt: ms(p.publishedUs),
        appliedAt: ms(p.appliedUs),
        rolledBackAt: ms(p.rolledBackUs),
        changedEntities: p.changedEntities,
        outdatedServed: p.outdatedServed,
        uncommittedServed: p.uncommittedServed,
        windowMs: Math.max(byTier.local, byTier.redis, byTier.source),
        windowByTier: byTier,
        worstReplica: worst,
        redisCommands: p.redisCommands,
      };
    });
  }
}

function key(featureSet: string, version: string): string {
  return `${featureSet}\u0000${version}`;
}
