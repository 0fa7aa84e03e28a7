import type { ResolvedStampede } from '../options.js';
import { createNone } from './none.js';
import { createRedisLock } from './redis-lock.js';
import { createSingleFlight } from './single-flight.js';
import { createSwr } from './swr.js';
import type { StampedeDeps, StampedeFactory, StampedeStrategy } from './types.js';

/** Every stampede strategy by name: a new one is a new file and one line here. */
export const STAMPEDE_STRATEGIES: Readonly<Record<ResolvedStampede['strategy'], StampedeFactory>> = {
  none: createNone,
  'single-flight': createSingleFlight,
  swr: createSwr,
  'redis-lock': createRedisLock,
};

export function createStampedeStrategy(options: ResolvedStampede, deps: StampedeDeps): StampedeStrategy {
  return STAMPEDE_STRATEGIES[options.strategy](options, deps);
}
