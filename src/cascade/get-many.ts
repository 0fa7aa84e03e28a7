import { badInput } from '../errors.js';
import type { ServedValues } from '../codec/types.js';
import { asCascadeError, type CascadeError } from './cascade-error.js';
import { keyOf, type CascadeCore, type SetState } from './core.js';
import { heldValue } from './local-tier.js';
import { actionFor, loadFromSource } from './miss-path.js';
import { serveFromRedis, serveHeldOrFail } from './serve.js';
import type { Trace } from './trace.js';

type LocalLookup = (set: SetState, entity: string, trace: Trace) => ServedValues | undefined;

/**
 * One entity's values in several feature sets. Local hits are served synchronously (all hits: no
 * promise at all); the rest are read from Redis with one MGET, and what is still missing goes to
 * the source through the stampede strategy, in parallel. Every trace is complete before the
 * result settles; it rejects with the first failure when any set failed.
 */
export function getMany(
  core: CascadeCore,
  sets: readonly SetState[],
  entity: string,
  traces: readonly Trace[],
  lookupLocal: LocalLookup,
): ServedValues[] | Promise<ServedValues[]> {
  if (traces.length < sets.length) throw badInput(`cascade.getMany: ${sets.length} feature sets but ${traces.length} traces`);
  const results = new Array<ServedValues>(sets.length);
  let missing: number[] | undefined;
  for (let i = 0; i < sets.length; i++) {
    const hit = lookupLocal(sets[i] as SetState, entity, traces[i] as Trace);
    if (hit !== undefined) results[i] = hit;
    else (missing ??= []).push(i);
  }
  return missing === undefined ? results : loadMissing(core, sets, entity, traces, results, missing);
}

async function loadMissing(
  core: CascadeCore,
  sets: readonly SetState[],
  entity: string,
  traces: readonly Trace[],
  results: ServedValues[],
  missing: number[],
): Promise<ServedValues[]> {
  const keys = missing.map((i) => keyOf(sets[i] as SetState, entity));
  let buffers: unknown[] | null = null;
  let redisFailure: CascadeError | null = null;
  if (core.redis !== null) {
    const startUs = core.clock.nowUs();
    try {
      buffers = await core.layout.readMany(core, keys, sets, missing, entity);
    } catch (error) {
      redisFailure = asCascadeError(error, 'redis-error', 'MGET');
    }
    const elapsedUs = core.clock.nowUs() - startUs;
    for (const i of missing) (traces[i] as Trace).us.redisGet = elapsedUs;
  }

  const loadOne = async (i: number, j: number): Promise<ServedValues> => {
    const set = sets[i] as SetState;
    const trace = traces[i] as Trace;
    const key = keys[j] as string;
    trace.key = key;
    const held = heldValue(core, set, entity);
    let useRedis = core.redis !== null;
    if (redisFailure !== null) {
      trace.outcome.redis = 'error';
      const action = actionFor(core, redisFailure);
      if (action !== 'source') return serveHeldOrFail(core, action, redisFailure, trace, held);
      trace.errorKind = redisFailure.kind;
      useRedis = false;
    } else if (buffers !== null) {
      const bytes = buffers[j] ?? null;
      const value = bytes === null ? null : core.layout.decode(core, set, key, entity, bytes, trace, true);
      if (value !== null) return serveFromRedis(core, set, value, trace);
      trace.outcome.redis = 'miss';
    }
    return loadFromSource(core, { set, entity, key, trace, held, newerThanMs: 0, useRedis });
  };

  const settled = await Promise.allSettled(missing.map((i, j) => loadOne(i, j)));
  for (let j = 0; j < missing.length; j++) {
    const outcome = settled[j] as PromiseSettledResult<ServedValues>;
    if (outcome.status === 'rejected') throw outcome.reason;
    results[missing[j] as number] = outcome.value;
  }
  return results;
}
