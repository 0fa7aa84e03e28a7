import type { ColdStartResult, ColdStartSeries } from '../results/result-types.js';
import type { ShareSeriesSnapshot } from './share-series.js';

/**
 * Cold-start metrics, a pure function of the served-from-cache series.
 *
 * Each cold start (the run's traffic start, and each deploy) owns the span from when its cold
 * replicas took traffic until the next deploy began (or the run ended). The span is cut into
 * windows of COLD_START_WINDOW_MS, aligned to that moment. Definitions:
 * - share of a window: (local hits + Redis hits) / requests completed in it;
 * - steady value: the median window share over the last third of the span;
 * - time to steady: from when the cold replicas took traffic (`servingAt`) to the end of the first
 *   window whose share is at least STEADY_FRACTION of the steady value. A deploy's preload is not
 *   in it: the old replicas served meanwhile, at their steady share; its length is `servingAt - at`
 *   (and the deploy event's `warmMs`);
 * - origin calls: source fetches requests made from the cold replicas' first request to that window's end.
 * The same is computed for the local share alone (`local`), which is what a deploy empties when
 * Redis stays warm, with the local misses beyond the steady rate until then (`excessMisses`). No steady value when the span has fewer than 3 windows with requests
 * (`too-short`) or nothing was served from cache in its last third (`no-cache-hits`).
 */
export const COLD_START_WINDOW_MS = 250;
export const STEADY_FRACTION = 0.9;
const MIN_WINDOWS = 3;

export interface ColdStartMark {
  cause: 'start' | 'deploy';
  /** µs on the run's clock: when it began, and when the cold replicas took traffic. */
  atUs: number;
  servingUs: number;
  warmLocal?: number;
  /** HTTP deploys: when the new processes were up (forked and listening), before any preload. */
  readyUs?: number;
}

interface Window {
  endUs: number;
  requests: number;
  cached: number;
  local: number;
  sourceCalls: number;
}

export function coldStartsOf(series: ShareSeriesSnapshot, marks: readonly ColdStartMark[], endUs: number, measureStartUs: number): ColdStartResult[] {
  const sorted = [...marks].sort((a, b) => a.atUs - b.atUs);
  const ms = (us: number) => (us - measureStartUs) / 1000;
  return sorted.map((mark, k) => {
    const untilUs = Math.min(endUs, sorted[k + 1]?.atUs ?? endUs);
    const windows = windowsOf(series, mark.servingUs, untilUs).filter((w) => w.requests > 0);
    const base = {
      at: ms(mark.atUs),
      cause: mark.cause,
      servingAt: ms(mark.servingUs),
      until: ms(untilUs),
      ...(mark.warmLocal ? { warmLocal: mark.warmLocal } : {}),
    };
    if (windows.length < MIN_WINDOWS) {
      const spanS = Math.max(0, (untilUs - mark.servingUs) / 1e6);
      return {
        ...base,
        steadyShare: null,
        timeToSteadyMs: null,
        originCalls: sum(windows, 'sourceCalls'),
        local: { steadyShare: null, timeToSteadyMs: null, excessMisses: null },
        reason: 'too-short',
        label: `no steady value: ${spanS.toFixed(2)} s of traffic before ${k + 1 < sorted.length ? 'the next deploy' : 'the end'}, fewer than ${MIN_WINDOWS} windows of ${COLD_START_WINDOW_MS} ms`,
      };
    }
    const served = recovery(windows, (w) => w.cached, mark.servingUs);
    const local = recovery(windows, (w) => w.local, mark.servingUs);
    const localPart =
      local.steady > 0
        ? { steadyShare: local.steady, timeToSteadyMs: local.timeToSteadyMs, excessMisses: excessMisses(windows, local) }
        : { steadyShare: null, timeToSteadyMs: null, excessMisses: null };
    if (served.steady === 0) {
      return {
        ...base,
        steadyShare: 0,
        timeToSteadyMs: null,
        originCalls: sum(windows, 'sourceCalls'),
        local: localPart,
        reason: 'no-cache-hits',
        label: 'no steady value: nothing was served from cache in the last third of the span',
      };
    }
    const originCalls = sum(
      windows.filter((w) => w.endUs <= served.reachedUs),
      'sourceCalls',
    );
    const localText = localPart.timeToSteadyMs === null ? 'local tier never hit' : `local ${pct(local.steady)} after ${secs(localPart.timeToSteadyMs)}`;
    return {
      ...base,
      steadyShare: served.steady,
      timeToSteadyMs: served.timeToSteadyMs,
      originCalls,
      local: localPart,
      reason: null,
      label: `${preloadText(mark)}served from cache ${pct(served.steady)} steady, 90% of it after ${secs(served.timeToSteadyMs)} (${originCalls} origin calls); ${localText}`,
    };
  });
}

/**
 * Local misses beyond the steady miss rate until the local share was steady: the Redis reads a cold
 * local tier cost (what `warmLocal` saves while Redis is warm; origin calls it cannot save then).
 */
function excessMisses(windows: readonly Window[], local: { steady: number; reachedUs: number }): number {
  let excess = 0;
  for (const w of windows) {
    if (w.endUs > local.reachedUs) break;
    excess += Math.max(0, w.requests * local.steady - w.local);
  }
  return Math.round(excess);
}

/** Steady share of `hits` and when 90% of it was first reached (a steady value > 0 is always reached: its median window is). */
function recovery(windows: readonly Window[], hits: (w: Window) => number, fromUs: number): { steady: number; timeToSteadyMs: number; reachedUs: number } {
  const shares = windows.map((w) => hits(w) / w.requests);
  const steady = median(shares.slice(Math.floor((2 * shares.length) / 3)));
  const first = shares.findIndex((share) => share >= STEADY_FRACTION * steady);
  const reachedUs = windows[first]!.endUs;
  return { steady, timeToSteadyMs: (reachedUs - fromUs) / 1000, reachedUs };
}

/** Windows of COLD_START_WINDOW_MS from the first series bucket starting at or after `fromUs`, whole ones before `untilUs`. */
function windowsOf(series: ShareSeriesSnapshot, fromUs: number, untilUs: number): Window[] {
  const perWindow = Math.max(1, Math.round((COLD_START_WINDOW_MS * 1000) / series.bucketUs));
  const first = Math.max(0, Math.ceil((fromUs - series.originUs) / series.bucketUs));
  const last = Math.floor((untilUs - series.originUs) / series.bucketUs); // exclusive
  const windows: Window[] = [];
  for (let b = first; b + perWindow <= last; b += perWindow) {
    const w: Window = { endUs: series.originUs + (b + perWindow) * series.bucketUs, requests: 0, cached: 0, local: 0, sourceCalls: 0 };
    for (let i = b; i < b + perWindow; i++) {
      w.requests += series.requests[i] ?? 0;
      w.cached += series.cached[i] ?? 0;
      w.local += series.local[i] ?? 0;
      w.sourceCalls += series.sourceCalls[i] ?? 0;
    }
    windows.push(w);
  }
  return windows;
}

/** The series for the report's chart, in windows of COLD_START_WINDOW_MS from traffic start (`at` in ms since the measured phase). */
export function coldStartSeriesOf(series: ShareSeriesSnapshot, endUs: number, measureStartUs: number): ColdStartSeries {
  const fine = windowsOf(series, series.originUs, endUs);
  // A long run's chart needs no more points than a screen has pixels: neighbours are merged.
  const factor = Math.max(1, Math.ceil(fine.length / MAX_SERIES_POINTS));
  const windows = factor === 1 ? fine : mergeWindows(fine, factor);
  return {
    at: (series.originUs - measureStartUs) / 1000,
    windowMs: Math.max(COLD_START_WINDOW_MS, series.bucketUs / 1000) * factor,
    requests: windows.map((w) => w.requests),
    cached: windows.map((w) => w.cached),
    local: windows.map((w) => w.local),
    sourceCalls: windows.map((w) => w.sourceCalls),
  };
}

const MAX_SERIES_POINTS = 2400;

function mergeWindows(windows: readonly Window[], factor: number): Window[] {
  const merged: Window[] = [];
  for (let i = 0; i + factor <= windows.length; i += factor) {
    const group = windows.slice(i, i + factor);
    merged.push({
      endUs: group.at(-1)!.endUs,
      requests: group.reduce((t, w) => t + w.requests, 0),
      cached: group.reduce((t, w) => t + w.cached, 0),
      local: group.reduce((t, w) => t + w.local, 0),
      sourceCalls: group.reduce((t, w) => t + w.sourceCalls, 0),
    });
  }
  return merged;
}

function sum(windows: readonly Window[], field: 'sourceCalls'): number {
  return windows.reduce((total, w) => total + w[field], 0);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * `preloaded 1.74 s (old replicas serving), then ` for a deploy that warmed before taking traffic;
 * `started 2.10 s, preloaded 0.30 s (...)` where new processes had to start first (HTTP).
 */
function preloadText(mark: ColdStartMark): string {
  if (mark.cause !== 'deploy') return '';
  const readyUs = mark.readyUs ?? mark.atUs;
  const started = mark.readyUs === undefined ? '' : `started ${secs((readyUs - mark.atUs) / 1000)}`;
  const preloaded = mark.warmLocal ? `preloaded ${secs((mark.servingUs - readyUs) / 1000)}` : '';
  const steps = [started, preloaded].filter((t) => t !== '').join(', ');
  return steps === '' ? '' : `${steps} (old replicas serving), then `;
}

const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
