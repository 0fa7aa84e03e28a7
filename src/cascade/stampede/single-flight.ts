import { Flights, joinFlight } from './flights.js';
import type { StampedeFactory } from './types.js';

/** Concurrent misses for one key in one replica share one source fetch; replicas do not coordinate. */
export const createSingleFlight: StampedeFactory = (_options, deps) => {
  const flights = new Flights();
  return {
    name: 'single-flight',
    load(request) {
      const running = flights.get(request.key);
      if (running !== undefined) return joinFlight(running, request.trace, deps.core.clock);
      return flights.start(request.key, () => deps.fill(request, request.trace));
    },
  };
};
