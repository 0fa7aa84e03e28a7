import { newTrace } from '../trace.js';
import { staleReasonAt } from '../ttl-policy.js';
import { track } from '../core.js';
import { Flights, joinFlight } from './flights.js';
import type { Loaded, LoadRequest, StampedeFactory } from './types.js';

/**
 * Stale-while-revalidate on misses: one fetch per key per replica (single flight), and every caller
 * that holds a previous value of the key (within its hard TTL) is served it at once, marked stale,
 * instead of waiting for that fetch. Callers holding nothing wait. (Soft-TTL expiry is handled the
 * same way by every strategy; this extends it to keys Redis lost or that the local TTL retired.)
 */
export const createSwr: StampedeFactory = (_options, deps) => {
  const flights = new Flights();
  const { core } = deps;

  const heldLoaded = (request: LoadRequest): Loaded | undefined => {
    const held = request.held;
    const now = core.now();
    if (held === undefined || now >= held.hardExpiresAtMs) return undefined;
    return { value: held, servedBy: 'local', stale: staleReasonAt(held.softExpiresAtMs, now) };
  };

  return {
    name: 'swr',
    load(request) {
      // A background refresh already serves the stale value to its callers (serve.ts): it must wait
      // for the fill, or the refresh slot frees at once and every later stale read starts another.
      const stale = request.background === true ? undefined : heldLoaded(request);
      const running = flights.get(request.key);
      if (running !== undefined) return stale !== undefined ? Promise.resolve(stale) : joinFlight(running, request.trace, core.clock);
      if (stale === undefined) return flights.start(request.key, () => deps.fill(request, request.trace));
      // Revalidate in the background on a trace of its own: the caller's is reused once its get returns.
      const background = newTrace();
      background.key = request.key;
      track(core, flights.start(request.key, () => deps.fill({ ...request, trace: background }, background)));
      request.trace.originCalls = 1;
      request.trace.refreshStarted = true;
      return Promise.resolve(stale);
    },
  };
};
