import type { StampedeCause, StampedeExpiry } from '../results/result-types.js';
import { createHistogram, type HistogramFactory, type MicrosHistogram } from './histogram.js';

/**
 * One episode: keys that expired together (an expire-hot event) or one key a request had to fetch
 * (cold, expired or evicted), and what the requests for them did until they were refilled.
 */
export interface ExpiryEpisode<K = string> {
  cause: StampedeCause;
  /** Clock µs the episode started (the event time, or the opening request's intended start). */
  openUs: number;
  /** Keys that expired together. */
  keyCount: number;
  /** The keys, so closing the episode can drop their tracking entries. */
  keys: readonly K[];
  /** Keys still tracked (not refilled, evicted or closed). */
  openKeys: number;
  originCalls: number;
  maxOriginCallsPerKey: number;
  waiting: number;
  staleServed: number;
  requests: number;
  /** Latency of the first request: most one-key episodes have one request, and need no histogram. */
  firstLatencyUs: number;
  latency: MicrosHistogram | null;
}

export function newEpisode<K>(cause: StampedeCause, openUs: number, keys: readonly K[]): ExpiryEpisode<K> {
  return {
    cause,
    openUs,
    keyCount: keys.length,
    keys,
    openKeys: 0,
    originCalls: 0,
    maxOriginCallsPerKey: 0,
    waiting: 0,
    staleServed: 0,
    requests: 0,
    firstLatencyUs: 0,
    latency: null,
  };
}

/**
 * A finalized one-key episode made the new one-key episode of `key` (every field as
 * {@link newEpisode} sets it, the keys array reused): a tracker opens one per miss, and those
 * lived long enough (the expiry window) to be copied out of the young generation.
 */
export function reuseEpisode<K>(episode: ExpiryEpisode<K>, cause: StampedeCause, openUs: number, key: K): ExpiryEpisode<K> {
  (episode.keys as K[])[0] = key;
  episode.cause = cause;
  episode.openUs = openUs;
  episode.keyCount = 1;
  episode.openKeys = 0;
  episode.originCalls = 0;
  episode.maxOriginCallsPerKey = 0;
  episode.waiting = 0;
  episode.staleServed = 0;
  episode.requests = 0;
  episode.firstLatencyUs = 0;
  episode.latency = null;
  return episode;
}

/** Histograms kept for reuse; the rest are destroyed, so a burst of episodes does not pin memory. */
const MAX_POOLED_HISTOGRAMS = 64;

/**
 * Small (2-digit, 1% precision) histograms for episode p99s, handed out on an episode's second
 * request and taken back when it closes, so only episodes with several requests hold one.
 */
export class EpisodeHistogramPool {
  private free: MicrosHistogram[] = [];

  constructor(private readonly histogram: HistogramFactory = createHistogram) {}

  record(episode: ExpiryEpisode<unknown>, latencyUs: number): void {
    episode.requests++;
    if (episode.requests === 1) {
      episode.firstLatencyUs = latencyUs;
      return;
    }
    if (episode.latency === null) {
      episode.latency = this.free.pop() ?? this.histogram({ significantDigits: 2 });
      episode.latency.record(episode.firstLatencyUs);
    }
    episode.latency.record(latencyUs);
  }

  /** p99 of the episode's requests in ms (0 with no requests). */
  p99Ms(episode: ExpiryEpisode<unknown>): number {
    if (episode.latency !== null) return episode.latency.valueAtPercentileUs(99) / 1000;
    return episode.requests === 0 ? 0 : Math.max(0, Math.round(episode.firstLatencyUs)) / 1000;
  }

  release(episode: ExpiryEpisode<unknown>): void {
    const h = episode.latency;
    if (h === null) return;
    episode.latency = null;
    if (this.free.length < MAX_POOLED_HISTOGRAMS) {
      h.reset();
      this.free.push(h);
    } else {
      h.destroy();
    }
  }

  destroy(): void {
    for (const h of this.free) h.destroy();
    this.free = [];
  }
}

export function toStampedeExpiry(episode: ExpiryEpisode<unknown>, originUs: number, p99Ms: number): StampedeExpiry {
  return {
    at: Math.max(0, (episode.openUs - originUs) / 1000),
    cause: episode.cause,
    keys: episode.keyCount,
    waiting: episode.waiting,
    originCalls: episode.originCalls,
    maxOriginCallsPerKey: episode.maxOriginCallsPerKey,
    staleServed: episode.staleServed,
    p99: p99Ms,
  };
}
