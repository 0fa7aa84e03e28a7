import { systemClock, type Clock } from './clock.js';

/**
 * Wall-clock ms for TTL checks on the local-hit path. `Date.now()` costs ~57 ns here, more than
 * half an lru-cache hit (ANCHORS.md), so for the real clock the reading is cached and dropped
 * after `resolutionMs` by an unref'd timer (what lru-cache does for its own TTLs): a check may
 * be up to that late. Any other clock (FakeClock in tests) is read every time, exactly.
 */
export function coarseWallMs(clock: Clock, resolutionMs = 1): () => number {
  if (clock !== systemClock) return () => clock.wallMs();
  let cached = 0;
  const forget = () => {
    cached = 0;
  };
  return () => {
    if (cached === 0) {
      cached = Date.now();
      setTimeout(forget, resolutionMs).unref();
    }
    return cached;
  };
}
