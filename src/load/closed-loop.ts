import type { Clock } from '../cascade/clock.js';
import { InFlight, yieldToEventLoop, type IssueRequest, type PhaseBound, type PhaseOutcome } from './issuer.js';

export interface ClosedLoopOptions {
  /** Workers, each issuing its next request when the last returns. */
  concurrency: number;
  /** Pause between a worker's requests. @default 0 (ms) */
  thinkTimeMs?: number;
  bound: PhaseBound;
  clock: Clock;
  signal?: AbortSignal;
}

/** Synchronous requests (local hits) in a row before a worker lets timers and I/O run. */
const SYNC_BURST = 64;

/**
 * Closed-loop driver: `concurrency` workers each send the next request when the previous one
 * returns. Latency is measured from each request's actual start, so a slow cascade lowers the
 * throughput instead of raising latency: results and reports label these figures closed-loop.
 */
export async function runClosedLoop(options: ClosedLoopOptions, issue: IssueRequest): Promise<PhaseOutcome> {
  const { clock, bound, signal } = options;
  const startUs = clock.nowUs();
  const endUs = startUs + bound.durationUs;
  const thinkMs = options.thinkTimeMs ?? 0;
  const inFlight = new InFlight();
  let issued = 0;

  const claim = (): boolean => {
    if (issued >= bound.requests || signal?.aborted || clock.nowUs() >= endUs) return false;
    issued++;
    return true;
  };

  const worker = async (): Promise<void> => {
    let syncRun = 0;
    while (claim()) {
      const pending = issue(clock.nowUs());
      if (pending !== undefined) {
        inFlight.track(pending);
        await pending;
        syncRun = 0;
      } else if (++syncRun >= SYNC_BURST) {
        syncRun = 0;
        await yieldToEventLoop();
      }
      if (thinkMs > 0) await clock.sleepMs(thinkMs, signal);
    }
  };

  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { issued, dropped: 0, startUs, endUs: clock.nowUs(), abandoned: inFlight.count };
}
