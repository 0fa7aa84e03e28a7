import type { Clock } from '../cascade/clock.js';
import type { MetricsSnapshot, Recorder } from '../metrics/recorder.js';
import type { LoadConfig, Scenario } from '../scenario/schema.js';
import { runClosedLoop } from './closed-loop.js';
import type { IssueRequest, PhaseBound, PhaseOutcome } from './issuer.js';
import { runOpenLoop } from './open-loop.js';

const PROGRESS_EVERY_MS = 1000;

/** Warmup: a duration, or a request count; zero of either means none. */
export function warmupBound(scenario: Scenario): PhaseBound {
  const warmup = scenario.warmup;
  if (typeof warmup === 'number') return { durationUs: warmup * 1000, requests: warmup > 0 ? Infinity : 0 };
  return { durationUs: Infinity, requests: warmup.requests };
}

/** The measured phase: `load.requests` when given (then `duration` does not cut it short), else `duration`. */
export function measuredBound(scenario: Scenario): PhaseBound {
  const requests = scenario.load.requests;
  return requests === undefined ? { durationUs: scenario.duration * 1000, requests: Infinity } : { durationUs: Infinity, requests };
}

export interface PhaseOptions {
  name: 'warmup' | 'measure';
  load: LoadConfig;
  bound: PhaseBound;
  clock: Clock;
  signal: AbortSignal;
  nextGapUs: (() => number) | null;
  recorder: Recorder;
  issue: IssueRequest;
  onProgress?: ((phase: 'warmup' | 'measure', snapshot: MetricsSnapshot) => void) | undefined;
}

/** Runs one phase with the scenario's load model, reporting progress about once a second. */
export async function runPhase(options: PhaseOptions): Promise<PhaseOutcome> {
  const { load, bound, clock, signal, recorder } = options;
  if (bound.requests === 0 || bound.durationUs === 0) {
    const now = clock.nowUs();
    return { issued: 0, dropped: 0, startUs: now, endUs: now, abandoned: 0 };
  }
  const onProgress = options.onProgress;
  const timer = onProgress ? setInterval(() => onProgress(options.name, recorder.snapshot()), PROGRESS_EVERY_MS) : undefined;
  try {
    if (load.mode === 'open') {
      return await runOpenLoop(
        {
          nextGapUs: options.nextGapUs!,
          maxInFlight: load.maxInFlight,
          bound,
          clock,
          signal,
          onDropped: (atUs) => recorder.recordDropped(atUs),
        },
        options.issue,
      );
    }
    if (load.mode === 'http') throw new Error('load.mode http is driven by src/serve/, not runPhase');
    return await runClosedLoop({ concurrency: load.concurrency, thinkTimeMs: load.thinkTime, bound, clock, signal }, options.issue);
  } finally {
    clearInterval(timer);
  }
}
