import type { Trace } from '../cascade/trace.js';
import type { StampedeExpiry } from '../results/result-types.js';
import { EpisodeHistogramPool, newEpisode, toStampedeExpiry, type ExpiryEpisode } from './expiry-episode.js';

interface KeyState {
  episode: ExpiryEpisode;
  /** Origin calls for this key within the episode. */
  originCalls: number;
}

export interface StampedeTrackerOptions {
  windowUs: number;
  maxListed: number;
  maxOpenKeys: number;
}

/**
 * Stampede accounting. An episode opens on an expire-hot event (`markExpiry`, all its keys) or,
 * for a key with no open episode, on a request that fetched from the source or waited for
 * another caller's fetch (a natural expiry or cold miss). Until the key is refilled (a request
 * served by local or Redis, not stale, that neither fetched nor waited) or the window passes, the
 * key's requests add their origin calls, waits, stale serves and latency to the episode.
 *
 * Memory is bounded: at most `maxOpenKeys` tracked keys (the oldest is dropped beyond that), all
 * event episodes plus the `maxListed` worst natural ones by origin calls (then waiters).
 */
export class StampedeTracker {
  private readonly options: StampedeTrackerOptions;
  private readonly pool = new EpisodeHistogramPool();
  /** Insertion order is opening order, so expired entries sit at the front. */
  private open = new Map<string, KeyState>();
  private originUs = 0;
  private events: StampedeExpiry[] = [];
  private natural: StampedeExpiry[] = [];
  private naturalCount = 0;
  private maxPerKey = 0;

  constructor(options: StampedeTrackerOptions) {
    this.options = options;
  }

  start(originUs: number): void {
    for (const state of [...this.open.values()]) this.pool.release(state.episode);
    this.open = new Map();
    this.originUs = originUs;
    this.events = [];
    this.natural = [];
    this.naturalCount = 0;
    this.maxPerKey = 0;
  }

  get openKeys(): number {
    return this.open.size;
  }

  /** An expire-hot event: one episode over all `keys`, replacing any open episodes of those keys. */
  markExpiry(atUs: number, keys: readonly string[]): void {
    const unique = [...new Set(keys)];
    const episode = newEpisode('event', atUs, unique);
    // Counted up front so that evicting this episode's own first keys (more keys than the cap)
    // never empties it before the last key is tracked.
    episode.openKeys = unique.length;
    for (const key of unique) {
      const previous = this.open.get(key);
      if (previous !== undefined) this.closeKey(key, previous);
      this.track(key, episode);
    }
    if (unique.length === 0) this.finalize(episode);
  }

  observe(trace: Trace, intendedStartUs: number, endToEndUs: number): void {
    if (this.open.size === 0 && trace.originCalls === 0 && !trace.waited) return;
    const key = trace.key;
    let state = this.open.get(key);
    if (state !== undefined && intendedStartUs > state.episode.openUs + this.options.windowUs) {
      this.closeEpisode(state.episode);
      state = undefined;
    }
    if (state === undefined) {
      if (trace.originCalls === 0 && !trace.waited) return;
      const episode = newEpisode('natural', intendedStartUs, [key]);
      episode.openKeys = 1;
      state = this.track(key, episode);
    } else {
      // A request that started before the event saw the pre-expiry cache: it says nothing about it.
      if (state.episode.cause === 'event' && intendedStartUs < state.episode.openUs) return;
      const refilled =
        (trace.servedBy === 'local' || trace.servedBy === 'redis') &&
        trace.stale === false &&
        !trace.waited &&
        trace.originCalls === 0;
      if (refilled) {
        // Requests are recorded when they finish, so a hit after the refill can be recorded before
        // slower fetches that started earlier: an event episode stays open for its whole window so
        // those fetches still count. A natural episode closes here (it has no start to anchor it).
        if (state.episode.cause !== 'event') this.closeKey(key, state);
        return;
      }
    }
    const episode = state.episode;
    episode.originCalls += trace.originCalls;
    state.originCalls += trace.originCalls;
    if (trace.waited) episode.waiting++;
    if (trace.stale !== false) episode.staleServed++;
    this.pool.record(episode, endToEndUs);
  }

  /** Closes episodes whose window ended before `nowUs` (cheap: stops at the first open one). */
  sweep(nowUs: number): void {
    for (const state of this.open.values()) {
      if (state.episode.openUs + this.options.windowUs >= nowUs) return;
      this.closeEpisode(state.episode);
    }
  }

  /** Closes every episode; returns the listed expiries by time and the totals. */
  finish(): { expiries: StampedeExpiry[]; maxOriginCallsPerExpiry: number; naturalExpiries: number } {
    for (const state of this.open.values()) this.closeEpisode(state.episode);
    const expiries = [...this.events, ...this.natural].sort((a, b) => a.at - b.at);
    return { expiries, maxOriginCallsPerExpiry: this.maxPerKey, naturalExpiries: this.naturalCount };
  }

  destroy(): void {
    for (const state of this.open.values()) this.pool.release(state.episode);
    this.open.clear();
    this.pool.destroy();
  }

  private track(key: string, episode: ExpiryEpisode): KeyState {
    if (this.open.size >= this.options.maxOpenKeys) {
      const oldest = this.open.entries().next().value;
      if (oldest !== undefined) this.closeKey(oldest[0], oldest[1]);
    }
    const state: KeyState = { episode, originCalls: 0 };
    this.open.set(key, state);
    return state;
  }

  private closeKey(key: string, state: KeyState): void {
    this.open.delete(key);
    const episode = state.episode;
    if (state.originCalls > episode.maxOriginCallsPerKey) episode.maxOriginCallsPerKey = state.originCalls;
    episode.openKeys--;
    if (episode.openKeys === 0) this.finalize(episode);
  }

  private closeEpisode(episode: ExpiryEpisode): void {
    for (const key of episode.keys) {
      const state = this.open.get(key);
      if (state !== undefined && state.episode === episode) this.closeKey(key, state);
    }
  }

  private finalize(episode: ExpiryEpisode): void {
    if (episode.maxOriginCallsPerKey > this.maxPerKey) this.maxPerKey = episode.maxOriginCallsPerKey;
    if (episode.cause === 'event') {
      this.events.push(toStampedeExpiry(episode, this.originUs, this.pool.p99Ms(episode)));
    } else {
      this.naturalCount++;
      this.offerNatural(episode);
    }
    this.pool.release(episode);
  }

  /** Keeps the `maxListed` worst natural episodes; the p99 is only computed for those that get in. */
  private offerNatural(episode: ExpiryEpisode): void {
    const list = this.natural;
    if (list.length < this.options.maxListed) {
      list.push(toStampedeExpiry(episode, this.originUs, this.pool.p99Ms(episode)));
      return;
    }
    let weakest = -1;
    for (let i = 0; i < list.length; i++) {
      const entry = list[i];
      const current = weakest < 0 ? undefined : list[weakest];
      if (entry !== undefined && (current === undefined || ranksAbove(current, entry))) weakest = i;
    }
    const floor = list[weakest];
    if (floor === undefined) return;
    if (episode.originCalls > floor.originCalls || (episode.originCalls === floor.originCalls && episode.waiting > floor.waiting)) {
      list[weakest] = toStampedeExpiry(episode, this.originUs, this.pool.p99Ms(episode));
    }
  }
}

/** True when `a` is the worse stampede (more origin calls, then more waiters). */
function ranksAbove(a: StampedeExpiry, b: StampedeExpiry): boolean {
  return a.originCalls > b.originCalls || (a.originCalls === b.originCalls && a.waiting > b.waiting);
}
