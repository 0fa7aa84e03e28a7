import type { ErrorKind, Trace } from '../cascade/trace.js';
import { TracePool } from '../load/trace-pool.js';
import type { Recorder } from '../metrics/recorder.js';
import type { HttpServingInfo } from '../results/result-types.js';
import { statusErrorKind } from './http-errors.js';
import { fillTraceFromTiming, parseServerTiming } from './server-timing.js';

/**
 * The client side of an HTTP run: both drivers report each response or failure here, and it
 * becomes one recorded request exactly like an in-process one. The serving tier and step times
 * come from the response's Server-Timing (so `latency.byTier`, `latency.components` and `tiers.*`
 * mean what they mean in-process); end-to-end latency is the client's own measurement.
 */
export interface HttpObserver {
  /** A complete response. `key` names the cache key for stampede episodes (expire-hot). */
  response(replica: number, intendedUs: number, startUs: number, endUs: number, status: number, serverTiming: string | readonly string[] | undefined, key: string): void;
  /** No response: refused, reset, timed out. */
  failure(replica: number, intendedUs: number, startUs: number, endUs: number, kind: ErrorKind, key: string): void;
  /** After warmup, with the recorder's own `start`. */
  reset(): void;
  info(): { statusCodes: Record<string, number>; serverTiming: HttpServingInfo['serverTiming']; errorsByReplica: number[]; sentByReplica: (SentSpan | null)[] };
}

/** When the measured requests to one replica were sent (µs on the run's clock): a deploy's generations do not overlap. */
export interface SentSpan {
  firstUs: number;
  lastUs: number;
}

/**
 * `onRecorded` sees every recorded trace with its end (the served-from-cache series behind the
 * cold-start metrics). Replica ids are global over the run's generations; the per-replica arrays grow.
 */
export function createHttpObserver(recorder: Recorder, replicas: number, onRecorded?: (trace: Trace, endUs: number) => void): HttpObserver {
  const pool = new TracePool();
  let statusCodes = new Map<number, number>();
  let withHeader = 0;
  let absent = 0;
  let malformed = 0;
  let errorsByReplica = new Array<number>(replicas).fill(0);
  let sent: (SentSpan | undefined)[] = [];
  const record = (trace: Trace, replica: number, intendedUs: number, startUs: number, endUs: number): void => {
    const span = sent[replica];
    if (span === undefined) sent[replica] = { firstUs: startUs, lastUs: startUs };
    else if (startUs > span.lastUs) span.lastUs = startUs;
    else if (startUs < span.firstUs) span.firstUs = startUs;
    recorder.record(trace, intendedUs, startUs, endUs, replica);
    onRecorded?.(trace, endUs);
    pool.release(trace);
  };

  return {
    response(replica, intendedUs, startUs, endUs, status, serverTiming, key) {
      statusCodes.set(status, (statusCodes.get(status) ?? 0) + 1);
      const trace = pool.acquire();
      trace.key = key;
      const errorKind = statusErrorKind(status);
      if (errorKind !== null) {
        trace.failed = true;
        trace.errorKind = errorKind;
        errorsByReplica[replica] = (errorsByReplica[replica] ?? 0) + 1;
      } else {
        const parsed = parseServerTiming(serverTiming);
        if (parsed.kind === 'ok') {
          withHeader++;
          fillTraceFromTiming(trace, parsed.timing);
        } else if (parsed.kind === 'absent') {
          absent++;
        } else {
          malformed++;
        }
      }
      record(trace, replica, intendedUs, startUs, endUs);
    },
    failure(replica, intendedUs, startUs, endUs, kind, key) {
      const trace = pool.acquire();
      trace.key = key;
      trace.failed = true;
      trace.errorKind = kind;
      errorsByReplica[replica] = (errorsByReplica[replica] ?? 0) + 1;
      record(trace, replica, intendedUs, startUs, endUs);
    },
    reset() {
      statusCodes = new Map();
      withHeader = absent = malformed = 0;
      errorsByReplica = new Array<number>(replicas).fill(0);
      sent = [];
    },
    info() {
      const codes: Record<string, number> = {};
      for (const [status, n] of [...statusCodes].sort(([a], [b]) => a - b)) codes[String(status)] = n;
      return { statusCodes: codes, serverTiming: { withHeader, absent, malformed }, errorsByReplica: Array.from(errorsByReplica, (n) => n ?? 0), sentByReplica: Array.from(sent, (span) => (span === undefined ? null : { ...span })) };
    },
  };
}
