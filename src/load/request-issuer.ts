import type { Cascade } from '../cascade/cascade.js';
import type { Clock } from '../cascade/clock.js';
import type { ErrorKind, Trace } from '../cascade/trace.js';
import type { Recorder } from '../metrics/recorder.js';
import type { IssueRequest } from './issuer.js';
import { mergeTraces } from './merge-traces.js';
import type { Router } from './routing.js';
import { TracePool } from './trace-pool.js';

export interface IssuerDeps {
  /** Next entity id, or null when a non-looping trace ran out (the phase then stops). */
  nextEntity: () => string | null;
  /** Feature set of a request asking for one set; ignored when `allSets` is given. */
  nextFeatureSet: () => string;
  /** `request.featureSets: all`: every request asks for these sets in one getMany. */
  allSets: readonly string[] | null;
  router: Router;
  replicas: readonly Cascade[];
  recorder: Recorder;
  clock: Clock;
  /** Called once when `nextEntity` returns null. */
  onKeysExhausted: () => void;
  /** Batch truth: marks a served value outdated or uncommitted before it is recorded; null without batch events. */
  judge?: ((trace: Trace, entity: string, featureSet: string, nowUs: number, replica: number) => void) | null;
  /** Sees every key's get once it finished (the miss-ratio curves' stream), warmup included; null = none. */
  observe?: ((trace: Trace, replica: number) => void) | null;
  /** Sees every request once recorded, warmup included (the cold-start series); null = none. */
  onRecorded?: ((trace: Trace, endUs: number) => void) | null;
  /** Requests in flight per replica, kept up to date here (a retired replica closes once idle); null = not counted. */
  inFlight?: number[] | null;
}

/**
 * One inference request: choose entity, feature set(s) and replica, run the real cascade with a
 * pooled trace, record it. A local hit stays synchronous end to end; nothing here allocates per
 * request beyond what the cascade itself does.
 */
export function createRequestIssuer(deps: IssuerDeps): IssueRequest {
  const { recorder, clock, replicas, router, allSets } = deps;
  const judge = deps.judge ?? null;
  const observe = deps.observe ?? null;
  const onRecorded = deps.onRecorded ?? null;
  const inFlight = deps.inFlight ?? null;
  const pool = new TracePool();

  const failed = (trace: Trace, error: unknown): void => {
    trace.failed = true;
    trace.errorKind ??= ((error as { kind?: ErrorKind }).kind ?? 'local-error');
  };

  const single = (entity: string, intendedUs: number): void | Promise<void> => {
    const replica = router(entity);
    const trace = pool.acquire();
    const startUs = clock.nowUs();
    const featureSet = deps.nextFeatureSet();
    if (inFlight !== null) inFlight[replica]!++;
    const done = () => {
      const endUs = clock.nowUs();
      if (inFlight !== null) inFlight[replica]!--;
      judge?.(trace, entity, featureSet, endUs, replica);
      observe?.(trace, replica);
      recorder.record(trace, intendedUs, startUs, endUs, replica);
      onRecorded?.(trace, endUs);
      pool.release(trace);
    };
    let result: unknown;
    try {
      result = replicas[replica]!.get(entity, featureSet, trace);
    } catch (error) {
      failed(trace, error);
      return done();
    }
    if (!(result instanceof Promise)) return done();
    return result.then(done, (error: unknown) => {
      failed(trace, error);
      done();
    });
  };

  const many = (entity: string, intendedUs: number, sets: readonly string[]): void | Promise<void> => {
    const replica = router(entity);
    const traces = sets.map(() => pool.acquire());
    const startUs = clock.nowUs();
    if (inFlight !== null) inFlight[replica]!++;
    const done = () => {
      const endUs = clock.nowUs();
      if (inFlight !== null) inFlight[replica]!--;
      if (judge) traces.forEach((t, i) => judge(t, entity, sets[i]!, endUs, replica));
      if (observe) for (const t of traces) observe(t, replica);
      const merged = mergeTraces(traces);
      recorder.record(merged, intendedUs, startUs, endUs, replica);
      onRecorded?.(merged, endUs);
      for (const t of traces) pool.release(t);
    };
    let result: unknown;
    try {
      result = replicas[replica]!.getMany(entity, sets, traces);
    } catch (error) {
      failed(traces[0]!, error);
      return done();
    }
    if (!(result instanceof Promise)) return done();
    return result.then(done, (error: unknown) => {
      failed(traces[0]!, error);
      done();
    });
  };

  let exhausted = false;
  return (intendedUs) => {
    const entity = deps.nextEntity();
    if (entity === null) {
      if (!exhausted) {
        exhausted = true;
        deps.onKeysExhausted();
      }
      return;
    }
    return allSets === null ? single(entity, intendedUs) : many(entity, intendedUs, allSets);
  };
}
