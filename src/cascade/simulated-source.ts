import { badInput } from '../errors.js';
import type { FeatureValues, Rng } from '../workload/types.js';
import { CascadeError } from './cascade-error.js';
import type { Clock } from './clock.js';
import { FifoLimiter } from './fifo-limiter.js';
import { createLatencySampler, type LatencySpec } from './latency-model.js';
import type { Source, SourceRecord } from './source.js';

export interface SimulatedSourceOptions {
  /** Fetch latency, ms: `{ fixedMs }`, log-normal `{ p50Ms, p99Ms }` or uniform `{ minMs, maxMs }`. */
  latency: LatencySpec;
  /** Fetches served at once; more wait in a FIFO queue. @default 64 */
  concurrency?: number | undefined;
  /** Fraction of fetches that fail (after their latency), in [0, 1]. @default 0 */
  errorRate?: number | undefined;
  /** A fetch (queue wait included) not done by then fails with `source-timeout`, ms. @default 5000 */
  timeoutMs?: number | undefined;
  /** Current snapshot version of each feature set: the source only serves these sets. */
  versions: Readonly<Record<string, string>>;
}

export interface SimulatedSourceDeps {
  clock: Clock;
  /** Latency and error draws come from here (fork it for the source alone). */
  rng: Rng;
  /** The values of (entity, set, version): `createPayloadGenerator` per set in the runner. */
  payload: (entity: string, featureSet: string, version: string) => FeatureValues;
}

export interface SourceStats {
  calls: number;
  errors: number;
  timeouts: number;
  /** Most fetches in service at once (never above `concurrency`). */
  maxConcurrent: number;
  /** Fetches that had to queue, and their summed and longest queue wait in µs. */
  queued: number;
  queueWaitUsTotal: number;
  queueWaitUsMax: number;
  inFlight: number;
}

export interface SimulatedSource extends Source {
  /** Multiplies every latency drawn from now on (source-slowdown event). */
  setLatencyFactor(factor: number): void;
  /** `null` restores the configured rate (source-errors event ends). */
  setErrorRate(rate: number | null): void;
  /** Batch publish: later fetches of `featureSet` read `version`. */
  setVersion(featureSet: string, version: string): void;
  currentVersion(featureSet: string): string;
  stats(): SourceStats;
}

function rate(path: string, value: number): number {
  if (!Number.isFinite(value) || value < 0 || value > 1) throw badInput(`${path}: must be in [0, 1], got ${String(value)}`);
  return value;
}

/** A feature store on simulated time: versioned snapshots, seeded latency and errors, a concurrency limit. */
export function createSimulatedSource(options: SimulatedSourceOptions, deps: SimulatedSourceDeps): SimulatedSource {
  const sample = createLatencySampler(options.latency);
  const concurrency = options.concurrency ?? 64;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw badInput(`source.concurrency: must be an integer >= 1, got ${String(concurrency)}`);
  const timeoutMs = options.timeoutMs ?? 5000;
  if (!(timeoutMs > 0)) throw badInput(`source.timeout: must be > 0 ms, got ${String(timeoutMs)}`);
  const configuredErrorRate = rate('source.errorRate', options.errorRate ?? 0);
  const versions = new Map(Object.entries(options.versions));
  const { clock, rng, payload } = deps;
  const limiter = new FifoLimiter(concurrency);
  const stats: SourceStats = { calls: 0, errors: 0, timeouts: 0, maxConcurrent: 0, queued: 0, queueWaitUsTotal: 0, queueWaitUsMax: 0, inFlight: 0 };
  let latencyFactor = 1;
  let errorRate = configuredErrorRate;

  const timeout = (entity: string, featureSet: string): CascadeError => {
    stats.timeouts++;
    return new CascadeError('source-timeout', `feature store did not answer ${featureSet}/${entity} within ${timeoutMs} ms`);
  };

  /** Waits for a slot; false when the timeout passed first (the caller owns no slot then). */
  const queue = async (): Promise<boolean> => {
    stats.queued++;
    const ticket = limiter.enqueue();
    const granted = new AbortController();
    const outcome = await Promise.race([ticket.granted.then(() => true), clock.sleepMs(timeoutMs, granted.signal).then(() => false)]);
    // Cancel the losing timeout: a queued call must not leave a timer running after it got its slot.
    granted.abort();
    return outcome || !ticket.cancel();
  };

  const fetch = async (entity: string, featureSet: string): Promise<SourceRecord> => {
    const version = versions.get(featureSet);
    if (version === undefined) throw badInput(`simulated source: unknown feature set ${JSON.stringify(featureSet)} (known: ${[...versions.keys()].join(', ')})`);
    stats.calls++;
    const startUs = clock.nowUs();
    if (!limiter.tryAcquire() && !(await queue())) throw timeout(entity, featureSet);
    const queueUs = clock.nowUs() - startUs;
    stats.queueWaitUsTotal += queueUs;
    if (queueUs > stats.queueWaitUsMax) stats.queueWaitUsMax = queueUs;
    stats.inFlight++;
    if (limiter.inUse > stats.maxConcurrent) stats.maxConcurrent = limiter.inUse;
    try {
      // Both draws happen on every call so toggling the error rate does not shift the latency stream.
      const latencyMs = sample(rng) * latencyFactor;
      const fails = rng.next() < errorRate;
      const remainingMs = timeoutMs - queueUs / 1000;
      if (latencyMs >= remainingMs) {
        await clock.sleepMs(Math.max(0, remainingMs));
        throw timeout(entity, featureSet);
      }
      await clock.sleepMs(latencyMs);
      if (fails) {
        stats.errors++;
        throw new CascadeError('source-error', `feature store failed reading ${featureSet}/${entity}`);
      }
      return { values: payload(entity, featureSet, version), version, queueUs };
    } finally {
      stats.inFlight--;
      limiter.release();
    }
  };

  return {
    fetch,
    setLatencyFactor(factor) {
      if (!(Number.isFinite(factor) && factor > 0)) throw badInput(`source latency factor: must be > 0, got ${String(factor)}`);
      latencyFactor = factor;
    },
    setErrorRate(value) {
      errorRate = value === null ? configuredErrorRate : rate('source error rate', value);
    },
    setVersion(featureSet, version) {
      if (!versions.has(featureSet)) throw badInput(`simulated source: unknown feature set ${JSON.stringify(featureSet)}`);
      versions.set(featureSet, version);
    },
    currentVersion(featureSet) {
      const version = versions.get(featureSet);
      if (version === undefined) throw badInput(`simulated source: unknown feature set ${JSON.stringify(featureSet)}`);
      return version;
    },
    stats: () => ({ ...stats }),
  };
}
