/**
 * Counted Redis hits (`RedisHitBatch`) that have not ended yet, in the order they were issued:
 * their key id, arrival, end and place in the event queue's order. A counted hit skips the
 * stampede tracker because its key has no open episode and no request in flight that could open
 * one; a request issued after it that opens one and ends before it is the one case that breaks
 * that, and the engine then asks `takeLater` for the hits the tracker must still see. Almost
 * never: such a request would fetch from the source or join a fetch within one Redis round trip.
 */
export class PendingHits {
  private keys = new Float64Array(256);
  private startsUs = new Float64Array(256);
  private endsUs = new Float64Array(256);
  private seqs = new Float64Array(256);
  /** Handed out by `takeLater` already (the tracker will see it): not handed out again. */
  private taken = new Uint8Array(256);
  private head = 0;
  private size = 0;
  /** The latest end of any hit added since `clear`, µs: a request ending at or after it cannot end before a pending hit. */
  latestEndUs = Number.NEGATIVE_INFINITY;

  add(key: number, startUs: number, endUs: number, seq: number): void {
    if (this.size === this.keys.length) this.grow();
    const i = (this.head + this.size) & (this.keys.length - 1);
    this.keys[i] = key;
    this.startsUs[i] = startUs;
    this.endsUs[i] = endUs;
    this.seqs[i] = seq;
    this.taken[i] = 0;
    this.size++;
    if (endUs > this.latestEndUs) this.latestEndUs = endUs;
  }

  /** Drops hits ended by `nowUs` from the front (every request issued from now on ends after them). */
  prune(nowUs: number): void {
    const mask = this.keys.length - 1;
    while (this.size > 0 && this.endsUs[this.head]! <= nowUs) {
      this.head = (this.head + 1) & mask;
      this.size--;
    }
  }

  /** Calls `take(start, end, seq)` for each pending hit on `key` ending after `endUs` not taken before, and marks it taken. */
  takeLater(key: number, endUs: number, take: (startUs: number, endUs: number, seq: number) => void): void {
    const mask = this.keys.length - 1;
    for (let n = 0; n < this.size; n++) {
      const i = (this.head + n) & mask;
      if (this.keys[i] === key && this.endsUs[i]! > endUs && this.taken[i] === 0) {
        this.taken[i] = 1;
        take(this.startsUs[i]!, this.endsUs[i]!, this.seqs[i]!);
      }
    }
  }

  clear(): void {
    this.head = 0;
    this.size = 0;
    this.latestEndUs = Number.NEGATIVE_INFINITY;
  }

  private grow(): void {
    const length = this.keys.length;
    // The ring unrolled from head into arrays twice the size.
    const order = <A extends Float64Array | Uint8Array>(from: A, to: A): A => {
      for (let n = 0; n < this.size; n++) to[n] = from[(this.head + n) & (length - 1)]!;
      return to;
    };
    this.keys = order(this.keys, new Float64Array(2 * length));
    this.startsUs = order(this.startsUs, new Float64Array(2 * length));
    this.endsUs = order(this.endsUs, new Float64Array(2 * length));
    this.seqs = order(this.seqs, new Float64Array(2 * length));
    this.taken = order(this.taken, new Uint8Array(2 * length));
    this.head = 0;
  }
}
