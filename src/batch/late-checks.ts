/**
 * Keys to drop again a fixed grace after a push found nothing to drop (tracking's redirect race,
 * see local-bus.ts): each key gets its full grace, counted from its own push. One timer at a time,
 * armed for the earliest deadline; deadlines arrive in order because the grace is constant.
 */
export class LateChecks {
  private readonly due: { replica: number; key: string; atMs: number }[] = [];
  private head = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly graceMs: number,
    /** Drops `key` from `replica`'s local tier again. */
    private readonly recheck: (replica: number, key: string) => void,
    private readonly nowMs: () => number = () => performance.now(),
  ) {}

  add(replica: number, key: string): void {
    this.due.push({ replica, key, atMs: this.nowMs() + this.graceMs });
    this.timer ??= setTimeout(this.fire, this.graceMs);
  }

  /** Keys still waiting for their recheck. */
  get pending(): number {
    return this.due.length - this.head;
  }

  close(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.due.length = 0;
    this.head = 0;
  }

  private readonly fire = (): void => {
    this.timer = null;
    const now = this.nowMs();
    while (this.head < this.due.length && this.due[this.head]!.atMs <= now) {
      const { replica, key } = this.due[this.head++]!;
      this.recheck(replica, key);
    }
    if (this.head === this.due.length) {
      this.due.length = 0;
      this.head = 0;
      return;
    }
    // A timer may fire a little early, and later keys have later deadlines: wait for the next one.
    this.timer = setTimeout(this.fire, Math.max(1, this.due[this.head]!.atMs - now));
  };
}
