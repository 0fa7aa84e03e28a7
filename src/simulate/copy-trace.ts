import type { Trace } from '../cascade/trace.js';

/** Copies every field of `from` into `to` (pooled traces outlive the per-set scratch ones). */
export function copyTrace(from: Trace, to: Trace): void {
  to.key = from.key;
  to.servedBy = from.servedBy;
  to.outcome.local = from.outcome.local;
  to.outcome.redis = from.outcome.redis;
  to.outcome.source = from.outcome.source;
  to.stale = from.stale;
  to.ageMs = from.ageMs;
  to.version = from.version;
  to.errorKind = from.errorKind;
  to.failed = from.failed;
  to.originCalls = from.originCalls;
  to.waited = from.waited;
  to.refreshStarted = from.refreshStarted;
  to.filledTtlMs = from.filledTtlMs;
  to.rawBytes = from.rawBytes;
  to.encodedBytes = from.encodedBytes;
  Object.assign(to.us, from.us);
}
