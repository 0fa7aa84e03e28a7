import type { Clock } from '../cascade/clock.js';
import { InFlight, type IssueRequest, type PhaseBound, type PhaseOutcome } from './issuer.js';

export interface OpenLoopOptions {
  /** Gap to the next arrival in µs (constant or Poisson, from the seeded workload). */
  nextGapUs: () => number;
  /** Arrivals beyond this many requests in flight are dropped and counted, never silently lost. */
  maxInFlight: number;
  bound: PhaseBound;
  clock: Clock;
  signal?: AbortSignal;
  /** How long to wait for in-flight requests after the last arrival. @default 5000 (ms) */
  drainTimeoutMs?: number;
  onDropped?: (intendedStartUs: number) => void;
  /**
   * Arrivals due within this long are waited for by yielding (setImmediate) instead of a timer.
   * Spinning keeps the schedule lag small but costs a core: the HTTP drivers share the machine with
   * the servers they measure, so they spin less. @default 1500 (µs)
   */
  spinWindowUs?: number;
}

/** Arrivals within this much of now are issued in the same tick rather than waiting for a timer. */
const SPIN_WINDOW_US = 1500;

/**
 * Open-loop driver: requests start on a schedule of intended start times fixed in advance by the
 * arrival process, whatever the cascade is doing, so a stall shows up as latency measured from
 * the intended start (no coordinated omission). Arrivals that find `maxInFlight` requests already
 * running are dropped and counted. Timers fire late by up to a millisecond or so; every arrival
 * due by then is issued at once and its lateness is the schedule lag the recorder reports.
 */
export async function runOpenLoop(options: OpenLoopOptions, issue: IssueRequest): Promise<PhaseOutcome> {
  const { clock, bound, maxInFlight, signal } = options;
  const inFlight = new InFlight();
  const startUs = clock.nowUs();
  const endUs = startUs + bound.durationUs;
  const spinWindowUs = options.spinWindowUs ?? SPIN_WINDOW_US;
  let nextUs = startUs + options.nextGapUs();
  let issued = 0;
  let dropped = 0;

  const due = (): boolean => issued + dropped < bound.requests && nextUs < endUs && !signal?.aborted;
  while (due()) {
    const nowUs = clock.nowUs();
    while (due() && nextUs <= nowUs) {
      if (inFlight.count >= maxInFlight) {
        dropped++;
        options.onDropped?.(nextUs);
      } else {
        issued++;
        const pending = issue(nextUs);
        if (pending !== undefined) inFlight.track(pending);
      }
      nextUs += options.nextGapUs();
    }
    if (!due()) break;
    const waitUs = nextUs - clock.nowUs();
    await (waitUs > spinWindowUs ? clock.sleepMs(Math.max(0, waitUs - 1000) / 1000, signal) : yieldImmediate());
  }
  await inFlight.drain(options.drainTimeoutMs ?? 5000);
  return { issued, dropped, startUs, endUs: clock.nowUs(), abandoned: inFlight.count };
}

function yieldImmediate(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
