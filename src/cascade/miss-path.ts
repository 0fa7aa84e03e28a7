import { asCascadeError, type CascadeError } from './cascade-error.js';
import type { CachedValue } from './cached-value.js';
import { decodeReply, fetchRaw, readFailure } from './redis-tier.js';
import type { CascadeCore, SetState } from './core.js';
import { onRedisFailure, onSourceFailure, type FailureAction } from './failure-policy.js';
import { serveFromRedis, serveHeldOrFail, serveLoaded } from './serve.js';
import type { LoadRequest } from './stampede/types.js';
import type { Trace } from './trace.js';
import type { ServedValues } from '../codec/types.js';

/** The failure policy's answer for an error met below the local tier. */
export function actionFor(core: CascadeCore, failure: CascadeError): FailureAction {
  switch (failure.kind) {
    case 'redis-error':
    case 'redis-timeout':
      return onRedisFailure(core.options.failurePolicy);
    case 'lock-timeout':
      // onTimeout already chose (serve-stale found nothing held, or fail).
      return 'fail';
    default:
      return onSourceFailure(core.options.failurePolicy);
  }
}

/** Local tier missed: read Redis, then the source through the stampede strategy, applying the failure policy. */
export function loadMiss(core: CascadeCore, set: SetState, entity: string, key: string, trace: Trace, held: CachedValue | undefined): Promise<ServedValues> {
  if (core.redis === null) return loadFromSource(core, { set, entity, key, trace, held, newerThanMs: 0, useRedis: false });
  const startUs = core.clock.nowUs();
  return fetchRaw(core, set, key, entity).then(
    (raw) => {
      const value = decodeReply(core, set, key, entity, raw, trace, true, startUs, core.transientValue);
      if (value !== null) return serveFromRedis(core, set, value, trace);
      trace.outcome.redis = 'miss';
      return loadFromSource(core, { set, entity, key, trace, held, newerThanMs: 0, useRedis: true });
    },
    (error: unknown) => {
      const failure = readFailure(core, key, error, trace, true, startUs);
      trace.outcome.redis = 'error';
      const action = actionFor(core, failure);
      if (action !== 'source') return serveHeldOrFail(core, action, failure, trace, held);
      trace.errorKind = failure.kind;
      return loadFromSource(core, { set, entity, key, trace, held, newerThanMs: 0, useRedis: false });
    },
  );
}

/** The source step of a miss; a Redis failure inside it (lock, poll) under `bypass` retries once without Redis. */
export async function loadFromSource(core: CascadeCore, request: LoadRequest): Promise<ServedValues> {
  const trace = request.trace;
  try {
    return serveLoaded(core, trace, await core.strategy.load(request));
  } catch (error) {
    const failure = asCascadeError(error, 'source-error', `load of ${request.key}`);
    const action = actionFor(core, failure);
    if (action === 'source' && request.useRedis) {
      trace.errorKind = failure.kind;
      return loadFromSource(core, { ...request, useRedis: false });
    }
    return serveHeldOrFail(core, action === 'source' ? 'fail' : action, failure, trace, request.held);
  }
}
