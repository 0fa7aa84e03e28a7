import { createHistogram, type LatencyHistogram } from './histogram.js';

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
  /** End-to-end times of the other hits, µs. */
  readonly endToEnd = createHistogram();
  /**
   * Ages of the values served, µs: the recorder's own age histogram (`Recorder.localHitBatch`),
   * recorded into directly, since the order of ages does not matter and a merge per bucket would cost more.
   */
  readonly ages: LatencyHistogram;
  total = 0;

  constructor(replicas: number, constantUs: number, ages: LatencyHistogram) {
    this.perReplica = new Float64Array(replicas);
    this.constantUs = constantUs;
    this.ages = ages;
  }

  /** Forgets the counts (not the ages: they are the recorder's, reset by `Recorder.start`). */
  clear(): void {
    this.perReplica.fill(0);
    this.constantCount = 0;
    this.total = 0;
    if (this.endToEnd.count > 0) this.endToEnd.reset();
  }

  destroy(): void {
    this.endToEnd.destroy();
  }
}
