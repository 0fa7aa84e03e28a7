import type { Trace } from '../cascade/trace.js';
import type { StampedeCause, StampedeExpiry } from '../results/result-types.js';
import { EpisodeHistogramPool, newEpisode, reuseEpisode, toStampedeExpiry, type ExpiryEpisode } from './expiry-episode.js';
import { createHistogram, type HistogramFactory } from './histogram.js';

interface KeyState<K> {
  key: K;
  episode: ExpiryEpisode<K>;
  /** Origin calls for this key within the episode. */
  originCalls: number;
  /**
   * Still the key's entry in `open` (false once closed). The walks over `order` read this rather
   * than look each key up: most of the states they meet are closed, and in a large key space
   * each lookup was a cache miss.
   */
  live: boolean;
}

export interface StampedeTrackerOptions {
  windowUs: number;
  maxListed: number;
  maxOpenKeys: number;
}

/**
 * When each filled key's value hard-expires, clock µs (`StampedeTracker`'s `filled`): a Map by
 * default; a simulation keys by integer ids and keeps them in a typed array.
 */
export interface FillTimes<K> {
  get(key: K): number | undefined;
  has(key: K): boolean;
  set(key: K, expiresUs: number): unknown;
  clear(): void;
}

/**
 * The tracked state of each key with an open episode (`StampedeTracker`'s `open`): a Map by
 * default; a simulation keys by integer ids and indexes an array by them. Only get, set of an
 * absent key, delete and the count are asked of it: the tracker keeps the opening order itself.
 */
export interface OpenStates<K, V> {
  get(key: K): V | undefined;
  set(key: K, state: V): unknown;
  delete(key: K): unknown;
  readonly size: number;
  clear(): void;
}

/** How a tracker is built: its histograms, its fill store and its open-state store (HDR histograms and Maps unless a simulation says otherwise). */
export interface StampedeTrackerParts<K> {
  histogram: HistogramFactory;
  filled: FillTimes<K>;
  /** @default a Map */
  open?: <V>() => OpenStates<K, V>;
}

export interface StampedeTotals {
  /** Listed episodes by time: all event episodes, the worst others with 2+ origin calls or a waiter. */
  expiries: StampedeExpiry[];
  /** Over `expired` and `event` episodes only. */
  maxOriginCallsPerExpiry: number;
  /** `episodes.expired`. */
  naturalExpiries: number;
  episodes: Record<StampedeCause, number>;
  /** Requests that waited on another caller's fetch, over all episodes. */
  waiting: number;
}

/** One-key episodes kept for reuse at most (a few tens of KB). */
const MAX_SPARE_EPISODES = 256;

/**
 * Stampede accounting. An episode opens on an expire-hot event (`markExpiry`, all its keys) or,
 * for a key with no open episode, on a request that fetched from the source or waited for
 * another caller's fetch. Until the key is refilled (a request served by local or Redis, not
 * stale, that neither fetched nor waited) or the window passes, the key's requests add their
 * origin calls, waits, stale serves and latency to the episode. A refresh a request started
 * (soft TTL, XFetch) counts as one origin call of an open episode: its fetch runs on a trace of
 * its own that is never recorded, and without it a soft-expiry event would read "0 origin calls".
 *
 * What opened a one-key episode comes from the fills seen so far (`filled`): never filled in this
 * run is `cold`, filled and past that value's hard TTL is `expired`, filled and before it is
 * `evicted`. Fills done in the background (a refresh, swr's revalidation) are not seen, so a key
 * kept alive only by those can read `expired` where it was evicted: a refresh runs before the hard
 * TTL, so such a key rarely misses at all.
 *
 * Memory is bounded: at most `maxOpenKeys` tracked keys (the oldest is dropped beyond that), all
 * event episodes plus the `maxListed` worst others by origin calls (then waiters), and one
 * number per key ever filled (see `filled`).
 */
export class StampedeTracker<K = string> {
  private readonly options: StampedeTrackerOptions;
  private readonly pool: EpisodeHistogramPool;
  private readonly open: OpenStates<K, KeyState<K>>;
  /**
   * Tracked states in opening order, so the oldest (for eviction and the window sweep) is found at
   * the front. A state no longer in `open` is skipped when met, and the queue is compacted once
   * mostly such states. Not a Map's own order: V8 leaves a hole per deleted entry until it
   * rehashes, and finding the first live entry of a 10,000-key map cost ~7 µs an eviction (a
   * simulated high-miss run spent a ninth of its time there). It is also what every walk over the
   * open states follows (`liveStates`), so the store needs no order of its own: a state is set
   * once, when tracked, on a key with none, so this order is the one a Map would iterate in.
   */
  private order: KeyState<K>[] = [];
  private orderHead = 0;
  private originUs = 0;
  /** Finalized one-key episodes, reused for the next misses (see `reuseEpisode`). */
  private readonly spareEpisodes: ExpiryEpisode<K>[] = [];
  private events: StampedeExpiry[] = [];
  private listed: StampedeExpiry[] = [];
  private counts: Record<StampedeCause, number> = { cold: 0, expired: 0, evicted: 0, event: 0 };
  private waiting = 0;
  private maxPerKey = 0;
  /**
   * Clock µs at which the value last filled for each key (by a recorded request) hard-expires.
   * Bounded by the key space (entities x feature sets x versions), not by time: a key filled again
   * overwrites its entry. Kept across `start`, so a key filled in warmup is not cold afterwards.
   */
  private readonly filled: FillTimes<K>;

  constructor(options: StampedeTrackerOptions, parts?: StampedeTrackerParts<K>) {
    this.options = options;
    this.pool = new EpisodeHistogramPool(parts?.histogram ?? createHistogram);
    this.filled = parts?.filled ?? new Map<K, number>();
    this.open = parts?.open?.<KeyState<K>>() ?? new Map<K, KeyState<K>>();
  }

  start(originUs: number): void {
    for (const state of this.liveStates()) {
      state.live = false;
      this.pool.release(state.episode);
    }
    this.open.clear();
    this.order = [];
    this.orderHead = 0;
    this.originUs = originUs;
    this.events = [];
    this.listed = [];
    this.counts = { cold: 0, expired: 0, evicted: 0, event: 0 };
    this.waiting = 0;
    this.maxPerKey = 0;
  }

  get openKeys(): number {
    return this.open.size;
  }

  /** Whether `key` has an open episode: only then can a plain refill of it (a fresh hit) change anything here. */
  tracks(key: K): boolean {
    return this.open.size !== 0 && this.open.get(key) !== undefined;
  }

  /** An expire-hot event: one episode over all `keys`, replacing any open episodes of those keys. */
  markExpiry(atUs: number, keys: readonly K[]): void {
    const unique = [...new Set(keys)];
    const episode = newEpisode('event', atUs, unique);
    // Counted up front so that evicting this episode's own first keys (more keys than the cap)
    // never empties it before the last key is tracked.
    episode.openKeys = unique.length;
    for (const key of unique) {
      const previous = this.open.get(key);
      if (previous !== undefined) this.closeKey(key, previous);
      this.track(key, episode);
      // The event ended the value's life: a miss after this episode's window is its expiry showing.
      if (this.filled.has(key)) this.filled.set(key, atUs);
    }
    if (unique.length === 0) this.finalize(episode);
  }

  /**
   * `key` is the trace's key (`trace.key`, or the integer id a simulation names it by).
   * `actualStartUs` (default: the intended start) is when the request looked at the cache: an open
   * loop that fell behind issues arrivals due before an event after it, and those saw the expired key.
   */
  observe(trace: Trace, key: K, intendedStartUs: number, endToEndUs: number, actualStartUs = intendedStartUs): void {
    if (this.open.size === 0 && trace.originCalls === 0 && !trace.waited) return;
    this.account(trace, key, intendedStartUs, endToEndUs, actualStartUs);
    // After the episode is placed: the opening fetch must be judged by the fill before it. The TTL
    // runs from the fetch, which ended before the encode and write-back that close the request.
    if (trace.filledTtlMs > 0) {
      const fetchedUs = intendedStartUs + endToEndUs - trace.us.encode - trace.us.redisSet;
      this.filled.set(key, fetchedUs + trace.filledTtlMs * 1000);
    }
  }

  private account(trace: Trace, key: K, intendedStartUs: number, endToEndUs: number, actualStartUs: number): void {
    let state = this.open.get(key);
    if (state !== undefined && intendedStartUs > state.episode.openUs + this.options.windowUs) {
      this.closeEpisode(state.episode);
      state = undefined;
    }
    if (state === undefined) {
      if (trace.originCalls === 0 && !trace.waited) return;
      const cause = this.causeOf(key, intendedStartUs);
      const spare = this.spareEpisodes.pop();
      const episode = spare === undefined ? newEpisode(cause, intendedStartUs, [key]) : reuseEpisode(spare, cause, intendedStartUs, key);
      episode.openKeys = 1;
      state = this.track(key, episode);
    } else {
      // A request that looked at the cache before the event saw the pre-expiry cache: it says
      // nothing about it. Its actual start decides, not its intended one (see observe).
      if (state.episode.cause === 'event' && actualStartUs < state.episode.openUs) return;
      const refilled =
        (trace.servedBy === 'local' || trace.servedBy === 'redis') &&
        trace.stale === false &&
        !trace.waited &&
        trace.originCalls === 0;
      if (refilled) {
        // Requests are recorded when they finish, so a hit after the refill can be recorded before
        // slower fetches that started earlier: an event episode stays open for its whole window so
        // those fetches still count. Any other episode closes here (it has no start to anchor it).
        if (state.episode.cause !== 'event') this.closeKey(key, state);
        return;
      }
    }
    const episode = state.episode;
    const calls = trace.originCalls > 0 ? trace.originCalls : trace.refreshStarted ? 1 : 0;
    episode.originCalls += calls;
    state.originCalls += calls;
    if (trace.waited) episode.waiting++;
    if (trace.stale !== false) episode.staleServed++;
    this.pool.record(episode, endToEndUs);
  }

  /** Closes episodes whose window ended before `nowUs` (cheap: stops at the first open one). */
  sweep(nowUs: number): void {
    for (let state = this.oldest(); state !== undefined; state = this.oldest()) {
      if (state.episode.openUs + this.options.windowUs >= nowUs) return;
      this.closeEpisode(state.episode);
    }
  }

  /** Closes every episode; returns the listed expiries by time and the totals. */
  finish(): StampedeTotals {
    // Checked as met: closing an episode closes its other keys' states too.
    const order = this.order;
    for (let i = this.orderHead; i < order.length; i++) {
      const state = order[i]!;
      if (state.live) this.closeEpisode(state.episode);
    }
    const expiries = [...this.events, ...this.listed].sort((a, b) => a.at - b.at);
    return {
      expiries,
      maxOriginCallsPerExpiry: this.maxPerKey,
      naturalExpiries: this.counts.expired,
      episodes: { ...this.counts },
      waiting: this.waiting,
    };
  }

  destroy(): void {
    for (const state of this.liveStates()) {
      state.live = false;
      this.pool.release(state.episode);
    }
    this.open.clear();
    this.order = [];
    this.orderHead = 0;
    this.filled.clear();
    this.pool.destroy();
  }

  /** Why `key` needed the source at `atUs`, judged by the last fill this tracker saw. */
  private causeOf(key: K, atUs: number): StampedeCause {
    const expiresUs = this.filled.get(key);
    if (expiresUs === undefined) return 'cold';
    return atUs >= expiresUs ? 'expired' : 'evicted';
  }

  private track(key: K, episode: ExpiryEpisode<K>): KeyState<K> {
    if (this.open.size >= this.options.maxOpenKeys) {
      const oldest = this.oldest();
      if (oldest !== undefined) this.closeKey(oldest.key, oldest);
    }
    const state: KeyState<K> = { key, episode, originCalls: 0, live: true };
    this.open.set(key, state);
    this.order.push(state);
    return state;
  }

  /** The longest-tracked state still open (the front of `order`, past states closed since). */
  private oldest(): KeyState<K> | undefined {
    const order = this.order;
    while (this.orderHead < order.length) {
      const state = order[this.orderHead]!;
      if (state.live) {
        this.compactOrder();
        return state;
      }
      this.orderHead++;
    }
    this.order = [];
    this.orderHead = 0;
    return undefined;
  }

  /** Drops the closed states from `order` once they are most of it: memory stays a small multiple of the open keys. */
  private compactOrder(): void {
    const dead = this.order.length - this.open.size;
    if (dead < 1024 || dead < 2 * this.open.size) return;
    this.order = this.liveStates();
    this.orderHead = 0;
  }

  /** The open states in opening order. */
  private liveStates(): KeyState<K>[] {
    const live: KeyState<K>[] = [];
    const order = this.order;
    for (let i = this.orderHead; i < order.length; i++) {
      const state = order[i]!;
      if (state.live) live.push(state);
    }
    return live;
  }

  /** `state` is the key's live entry: every caller found it in `open` or in `order` as live. */
  private closeKey(key: K, state: KeyState<K>): void {
    this.open.delete(key);
    state.live = false;
    const episode = state.episode;
    if (state.originCalls > episode.maxOriginCallsPerKey) episode.maxOriginCallsPerKey = state.originCalls;
    episode.openKeys--;
    if (episode.openKeys === 0) this.finalize(episode);
  }

  private closeEpisode(episode: ExpiryEpisode<K>): void {
    for (const key of episode.keys) {
      const state = this.open.get(key);
      if (state !== undefined && state.episode === episode) this.closeKey(key, state);
    }
  }

  private finalize(episode: ExpiryEpisode<K>): void {
    const cause = episode.cause;
    this.counts[cause]++;
    this.waiting += episode.waiting;
    // A cold miss or an eviction is not an expiry: a strategy is judged on what expired.
    if ((cause === 'expired' || cause === 'event') && episode.maxOriginCallsPerKey > this.maxPerKey) {
      this.maxPerKey = episode.maxOriginCallsPerKey;
    }
    if (cause === 'event') {
      this.events.push(toStampedeExpiry(episode, this.originUs, this.pool.p99Ms(episode)));
    } else if (episode.originCalls >= 2 || episode.waiting >= 1) {
      // A single fetch nobody waited for is an ordinary miss: counted, not listed.
      this.offerListed(episode);
    }
    this.pool.release(episode);
    // Nothing refers to a finalized episode but closed states, which are never read through: its
    // listing is a copy (toStampedeExpiry), and every key state of it was closed before this.
    if (episode.keys.length === 1 && this.spareEpisodes.length < MAX_SPARE_EPISODES) this.spareEpisodes.push(episode);
  }

  /** Keeps the `maxListed` worst non-event episodes; the p99 is only computed for those that get in. */
  private offerListed(episode: ExpiryEpisode<K>): void {
    const list = this.listed;
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
