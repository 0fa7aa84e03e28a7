import type { Clock } from '../clock.js';
import type { Trace } from '../trace.js';
import type { Loaded } from './types.js';

/**
 * In-replica single flight: at most one load per key at a time; later callers await the same
 * promise. The entry leaves the map before the promise settles for anyone, so a caller that sees
 * it fail can start a new one at once.
 */
export class Flights {
  private readonly inFlight = new Map<string, Promise<Loaded>>();

  get(key: string): Promise<Loaded> | undefined {
    return this.inFlight.get(key);
  }

  get size(): number {
    return this.inFlight.size;
  }

  start(key: string, work: () => Promise<Loaded>): Promise<Loaded> {
    const promise = work().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise;
  }
}

/** Awaits another caller's load: marks the trace as having waited and times the wait. */
export async function joinFlight(promise: Promise<Loaded>, trace: Trace, clock: Clock): Promise<Loaded> {
  trace.waited = true;
  const startUs = clock.nowUs();
  try {
    return await promise;
  } finally {
    trace.us.lockWait += clock.nowUs() - startUs;
  }
}
