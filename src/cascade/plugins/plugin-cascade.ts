import type { ServedValues } from '../../codec/types.js';
import { badInput } from '../../errors.js';
import type { Cascade } from '../cascade.js';
import { asCascadeError, CascadeError } from '../cascade-error.js';
import { newCascadeStats } from '../core.js';
import type { ResolvedCascadeOptions } from '../options.js';
import type { Trace } from '../trace.js';
import { runInCall, type PluginCall } from './call-context.js';
import type { CascadePlugin } from './plugin-types.js';

/** How many gets, over every replica, said which tier served them and whether they were stale. */
export interface ReportTally {
  gets: number;
  tier: number;
  stale: number;
}

export function newReportTally(): ReportTally {
  return { gets: 0, tier: 0, stale: 0 };
}

/** The key fcbench tracks a plugin's value by (expiry episodes); not a Redis key, the library picks those. */
export function pluginKey(entity: string, featureSet: string): string {
  return `${featureSet}:${entity}`;
}

/**
 * A plugin as one serving replica of the fleet: the same `Cascade` the runner drives for fcbench's
 * own, with the trace filled from the plugin's status and from fcbench's observed source. What the
 * fleet asks of a cascade that a plugin cannot do (versioned keys, preloading) was refused at
 * validation; here it is an error, not a silent no-op.
 */
export function pluginCascade(plugin: CascadePlugin, options: ResolvedCascadeOptions, tally: ReportTally): Cascade {
  const known = new Set(options.featureSets.map((set) => set.name));
  const localEnabled = options.local.enabled;

  const settle = (call: PluginCall, value: unknown): ServedValues => {
    call.done = true;
    const { trace, status } = call;
    tally.gets++;
    if (status.tier !== undefined) {
      tally.tier++;
      const stale = status.stale === true ? 'stale' : 'hit';
      trace.servedBy = status.tier;
      trace.outcome.local = !localEnabled ? 'skipped' : status.tier === 'local' ? stale : 'miss';
      trace.outcome.redis = status.tier === 'redis' ? stale : status.tier === 'source' ? 'miss' : 'skipped';
    }
    if (status.stale !== undefined) tally.stale++;
    if (status.stale === true) {
      trace.stale = 'soft-expired';
      // A stale serve whose get started a fetch started a background refresh, as fcbench's own
      // cascade counts it: no origin call of the request (the source still counts the fetch).
      if (trace.originCalls > 0) {
        trace.originCalls = 0;
        trace.filledTtlMs = 0;
        trace.refreshStarted = true;
      }
    }
    if (status.originCall === true && trace.originCalls === 0) trace.originCalls = 1;
    if (value === undefined || value === null) throw new CascadeError('implementation-error', `get(${JSON.stringify(trace.key)}) returned ${String(value)}`);
    return value as ServedValues;
  };

  const failure = (call: PluginCall, error: unknown): CascadeError => {
    call.done = true;
    tally.gets++;
    return call.sourceError !== null ? asCascadeError(error, call.sourceError, 'source') : asCascadeError(error, 'implementation-error', 'plugin get');
  };

  const get = (entity: string, featureSet: string, trace: Trace): ServedValues | Promise<ServedValues> => {
    if (!known.has(featureSet)) throw badInput(`cascade: unknown feature set ${JSON.stringify(featureSet)} (known: ${[...known].join(', ')})`);
    trace.key = pluginKey(entity, featureSet);
    const call: PluginCall = { trace, status: {}, done: false, sourceError: null };
    let result: unknown;
    try {
      result = runInCall(call, () => plugin.get(entity, featureSet, call.status));
    } catch (error) {
      throw failure(call, error);
    }
    if (!isThenable(result)) return settle(call, result);
    return Promise.resolve(result).then(
      (value) => settle(call, value),
      (error: unknown) => {
        throw failure(call, error);
      },
    );
  };

  const cannot = (what: string): never => {
    throw badInput(`cascade.implementation: a plugin cascade cannot ${what}`);
  };

  return {
    options,
    get,
    getMany: (entity, featureSets, traces) => Promise.all(featureSets.map((set, i) => get(entity, set, traces[i]!))),
    invalidateLocal() {
      if (plugin.clearLocal === undefined) return cannot('flush its local tier (the module has no clearLocal)');
      void Promise.resolve(plugin.clearLocal()).catch(() => undefined);
    },
    // Libraries delete from every tier at once; the replica the expire-hot event went to already did.
    evictLocal: () => false,
    async deleteKeys(entity, featureSet) {
      if (plugin.delete === undefined) return cannot('expire keys (the module has no delete)');
      await plugin.delete(entity, featureSet);
      return pluginKey(entity, featureSet);
    },
    softExpireKeys: () => cannot('soft-expire keys (expire-hot expiry: soft)'),
    setKeyVersion: () => cannot('switch key versions (batch-publish)'),
    keyFor: pluginKey,
    preloadLocal: () => cannot("preload its local tier (deploy's warmLocal)"),
    stats: newCascadeStats,
    async close() {
      await plugin.close();
    },
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
