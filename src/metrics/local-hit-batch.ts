import { createHistogram, type HistogramFactory, type MicrosHistogram } from './histogram.js';

/**
 * Fresh local hits counted rather than traced, for a simulation that serves millions of them a
 * second: per-replica counts, their end-to-end times and the ages of the values they served, in
 * histograms of their own, handed to `Recorder.recordLocalHits` once per timeline bucket. A hit
 * whose end-to-end time is the batch's constant (the common case) is only counted.
 */
export class LocalHitBatch {
  /** Hits per replica since the last flush. */
  readonly perReplica: Float64Array;
  /** Hits that took exactly `constantUs` end to end. */
  constantCount = 0;
  /** The end-to-end time of an unqueued local hit, µs. */
  constantUs: number;
  /**
   * End-to-end times of the other hits, µs: the first `delayed.length` of a flush as values, the
   * rest in `endToEnd`. A simulated bucket has a few dozen such hits, and merging and resetting
   * full-size histograms for them cost 8% of a simulation; recording the values into each target
   * gives the same histograms (same bucketing, same clamping).
   */
  private readonly delayed = new Float64Array(256);
  private delayedCount = 0;
  private readonly endToEnd: MicrosHistogram;
  /**
   * Ages of the values served, µs: the recorder's own age histogram (`Recorder.localHitBatch`),
   * recorded into directly, since the order of ages does not matter and a merge per bucket would cost more.
   */
  readonly ages: MicrosHistogram;
  /**
   * Ages not yet in `ages`: the simulation writes each hit's age here and `flushAges` records
   * them in a loop, where the histogram's record is inlined; a call per hit passed a heap number.
   */
  readonly agesUs = new Float64Array(1024);
  ageCount = 0;
  total = 0;

  constructor(replicas: number, constantUs: number, ages: MicrosHistogram, histogram: HistogramFactory = createHistogram) {
    this.perReplica = new Float64Array(replicas);
    this.endToEnd = histogram();
    this.constantUs = constantUs;
    this.ages = ages;
  }

  /** A hit whose end-to-end time is not the constant (it waited for the CPU). */
  recordEndToEnd(us: number): void {
    if (this.delayedCount < this.delayed.length) this.delayed[this.delayedCount++] = us;
    else this.endToEnd.record(us);
  }

  /** Records the buffered ages into `ages`: when the buffer fills, and in `Recorder.recordLocalHits` before the batch is counted. */
  flushAges(): void {
    const ages = this.ages;
    const agesUs = this.agesUs;
    for (let i = 0; i < this.ageCount; i++) ages.record(agesUs[i]!);
    this.ageCount = 0;
  }

  /** Adds the end-to-end times recorded with `recordEndToEnd` since the last clear to `target`. */
  addEndToEndTo(target: MicrosHistogram): void {
    for (let i = 0; i < this.delayedCount; i++) target.record(this.delayed[i]!);
    if (this.endToEnd.count > 0) target.merge(this.endToEnd);
  }

  /** Forgets the counts and buffered ages (not the recorded ages: they are the recorder's, reset by `Recorder.start`). */
  clear(): void {
    this.ageCount = 0;
    this.perReplica.fill(0);
    this.constantCount = 0;
    this.total = 0;
    this.delayedCount = 0;
    if (this.endToEnd.count > 0) this.endToEnd.reset();
  }

  destroy(): void {
    this.endToEnd.destroy();
  }
}
