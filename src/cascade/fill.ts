import type { EncodeStats } from '../codec/types.js';
import { asCascadeError } from './cascade-error.js';
import { makeCachedValue } from './cached-value.js';
import type { CascadeCore } from './core.js';
import { storeLocal } from './local-tier.js';
import type { SourceRecord } from './source.js';
import type { Loaded, LoadRequest } from './stampede/types.js';
import type { Trace } from './trace.js';
import { envelopeSoftExpiry, expiriesFor } from './ttl-policy.js';

/** Weight of the newest fetch in the moving average of recompute times (XFetch's delta for values read from Redis). */
export const RECOMPUTE_EWMA_WEIGHT = 0.1;

/**
 * Fetches from the source and writes the value back up the cascade: encode, `SET PX` (unless
 * Redis was bypassed), local tier. The write-back is awaited so that a lock holder's waiters find
 * the value when the lock is released. Fills `trace` (origin call, source and encode timings, sizes).
 */
export async function fillFromSource(core: CascadeCore, request: LoadRequest, trace: Trace): Promise<Loaded> {
  const { set, entity, key } = request;
  const { clock } = core;
  trace.originCalls = 1;
  const startUs = clock.nowUs();
  let record: SourceRecord;
  try {
    record = await core.source.fetch(entity, set.name);
  } catch (error) {
    trace.outcome.source = 'error';
    trace.us.sourceFetch = clock.nowUs() - startUs;
    throw asCascadeError(error, 'source-error', `source fetch for ${key}`);
  }
  const fetchUs = clock.nowUs() - startUs;
  trace.outcome.source = 'hit';
  trace.us.sourceFetch = fetchUs;
  trace.us.sourceQueue = record.queueUs;
  const recomputeMs = fetchUs / 1000;
  set.recomputeMs = set.recomputeMs === 0 ? recomputeMs : set.recomputeMs + (recomputeMs - set.recomputeMs) * RECOMPUTE_EWMA_WEIGHT;

  const fetchedAtMs = clock.wallMs();
  const expiries = expiriesFor(set.ttl, fetchedAtMs, core.jitterRng.next());
  trace.filledTtlMs = expiries.hardExpiresAtMs - fetchedAtMs;
  const encodeStartUs = clock.nowUs();
  const stats: EncodeStats = { rawBytes: 0, encodedBytes: 0, compressed: false };
  const header = { featureSet: set.name, version: record.version, writtenAtMs: fetchedAtMs, softExpiresAtMs: envelopeSoftExpiry(set.ttl, expiries) };
  const encoded = core.layout.encode(core, set, header, record.values, stats);
  trace.us.encode = clock.nowUs() - encodeStartUs;
  trace.rawBytes = stats.rawBytes;
  trace.encodedBytes = stats.encodedBytes;

  const value = makeCachedValue(key, entity, record.values, record.version, fetchedAtMs, expiries, recomputeMs, stats.encodedBytes);
  if (request.useRedis) await core.layout.write(core, set, key, entity, encoded, expiries.hardExpiresAtMs, trace);
  storeLocal(core, set, value);
  return { value, servedBy: 'source', stale: false };
}
