import { performance } from 'node:perf_hooks';

/** Time behind an interface so the cascade, strategies and sources run on fake time in tests. */
export interface Clock {
  /** Monotonic microseconds (float allowed) for measuring durations. */
  nowUs(): number;
  /** Wall-clock milliseconds since the epoch, for TTLs and value ages stored in Redis. */
  wallMs(): number;
  /**
   * Resolves after `ms`, or at once when `signal` aborts. An aborted sleep cancels its timer: an
   * abandoned long timer would keep the process alive after the run is over.
   */
  sleepMs(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * The real clock: `performance.now` for durations, `Date.now` for wall time. `performance.now` is
 * the same monotonic clock as `process.hrtime` as a double (sub-µs resolution for months of
 * uptime); `hrtime.bigint` made two BigInts per read and took ~62 ns against ~50, and a Redis hit
 * reads the clock three times.
 */
export const systemClock: Clock = {
  nowUs: () => performance.now() * 1000,
  wallMs: () => Date.now(),
  sleepMs: systemSleep,
};

function systemSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  // A zero sleep still yields to I/O and timers (setImmediate), but without setTimeout's 1 ms floor:
  // a `fixed: 0ms` source must cost nothing, not a millisecond per miss.
  if (ms <= 0) return new Promise((resolve) => setImmediate(resolve));
  if (signal === undefined) return new Promise((resolve) => setTimeout(resolve, ms));
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A clock that only moves when told to. `sleepMs` resolves when `advanceMs` passes its deadline,
 * so time-dependent behaviour (TTL, backoff, source latency) is tested with numbers, not waiting.
 */
export class FakeClock implements Clock {
  private nowMsValue: number;
  private readonly wallOffsetMs: number;
  private sleepers: { untilMs: number; resolve: () => void }[] = [];

  constructor(startWallMs = 1_700_000_000_000) {
    this.nowMsValue = 0;
    this.wallOffsetMs = startWallMs;
  }

  nowUs(): number {
    return this.nowMsValue * 1000;
  }

  wallMs(): number {
    return this.wallOffsetMs + this.nowMsValue;
  }

  sleepMs(ms: number, signal?: AbortSignal): Promise<void> {
    if (ms <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper = { untilMs: this.nowMsValue + ms, resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener(
        'abort',
        () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          resolve();
        },
        { once: true },
      );
    });
  }

  /** Moves time forward, waking sleepers in deadline order and letting their continuations run. */
  async advanceMs(ms: number): Promise<void> {
    const target = this.nowMsValue + ms;
    for (;;) {
      this.sleepers.sort((a, b) => a.untilMs - b.untilMs);
      const next = this.sleepers[0];
      if (!next || next.untilMs > target) break;
      this.sleepers.shift();
      this.nowMsValue = next.untilMs;
      next.resolve();
      // Let the woken continuation run (and possibly schedule new sleeps) before moving on.
      await new Promise<void>((r) => setImmediate(r));
    }
    this.nowMsValue = target;
    await new Promise<void>((r) => setImmediate(r));
  }

  /** Number of pending sleeps; lets tests wait until the code under test is parked. */
  get pendingSleeps(): number {
    return this.sleepers.length;
  }
}
