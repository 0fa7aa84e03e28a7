/**
 * A concurrency limit with a first-in first-out queue: a released slot goes straight to the
 * oldest waiter, so nobody starves and queue waits are what a real connection pool would show.
 */
export class FifoLimiter {
  private active = 0;
  private readonly waiters: Array<{ grant: () => void; state: 'queued' | 'granted' | 'cancelled' }> = [];
  private head = 0;

  constructor(readonly limit: number) {}

  get inUse(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiters.length - this.head;
  }

  /** Takes a slot if one is free. */
  tryAcquire(): boolean {
    if (this.active >= this.limit) return false;
    this.active++;
    return true;
  }

  /**
   * Queues for a slot. `granted` resolves when it is yours; `cancel()` leaves the queue and
   * returns false if the slot was already granted (then the caller owns it and must release it).
   */
  enqueue(): { granted: Promise<void>; cancel(): boolean } {
    let grant!: () => void;
    const granted = new Promise<void>((resolve) => {
      grant = resolve;
    });
    const waiter = { grant, state: 'queued' as 'queued' | 'granted' | 'cancelled' };
    this.waiters.push(waiter);
    return {
      granted,
      cancel: () => {
        if (waiter.state !== 'queued') return waiter.state === 'cancelled';
        waiter.state = 'cancelled';
        return true;
      },
    };
  }

  release(): void {
    while (this.head < this.waiters.length) {
      const next = this.waiters[this.head++];
      if (next === undefined || next.state !== 'queued') continue;
      next.state = 'granted';
      this.compact();
      next.grant(); // the slot passes on: `active` stays the same
      return;
    }
    this.compact();
    this.active--;
  }

  /** Drops consumed entries now and then instead of shifting the array on every release. */
  private compact(): void {
    if (this.head === this.waiters.length) {
      this.waiters.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.waiters.length) {
      this.waiters.splice(0, this.head);
      this.head = 0;
    }
  }
}
