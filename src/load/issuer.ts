/**
 * What a driver calls to start one request. Returns nothing when the request finished
 * synchronously (a local hit), or a promise that settles when it finishes. It never rejects:
 * the issuer records failures itself.
 */
export type IssueRequest = (intendedStartUs: number) => void | Promise<void>;

/** Where a phase stops: whichever comes first of a time limit and a request count. */
export interface PhaseBound {
  /** Phase length in µs (from the phase start); Infinity = no time bound. */
  durationUs: number;
  /** Maximum number of requests to issue (dropped arrivals count); Infinity = no count bound. */
  requests: number;
}

export interface PhaseOutcome {
  /** Requests started. */
  issued: number;
  /** Open loop arrivals not started because `maxInFlight` requests were already in flight. */
  dropped: number;
  /** Clock µs when the phase started and when its last request finished (or the drain gave up). */
  startUs: number;
  endUs: number;
  /** Requests still in flight when the drain deadline passed (abandoned, not recorded). */
  abandoned: number;
}

/** Counts requests in flight and lets the driver wait (bounded) for them to finish. */
export class InFlight {
  count = 0;
  private waiters: (() => void)[] = [];

  track(pending: Promise<void>): void {
    this.count++;
    void pending.then(this.done, this.done);
  }

  private readonly done = (): void => {
    this.count--;
    if (this.count === 0) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
    }
  };

  /** Resolves when nothing is in flight, or after `timeoutMs`, whichever is first. */
  drain(timeoutMs: number): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** Lets timers and I/O run between synchronous requests without the ~1 ms floor of setTimeout. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
