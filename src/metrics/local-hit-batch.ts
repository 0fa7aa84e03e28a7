import { createHistogram } from './histogram.js';

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
  /** Ages of the values served, µs. */
  readonly ages = createHistogram();
  total = 0;

  constructor(replicas: number, constantUs: number) {
    this.perReplica = new Float64Array(replicas);
    this.constantUs = constantUs;
  }

  clear(): void {
    this.perReplica.fill(0);
    this.constantCount = 0;
    this.total = 0;
    this.endToEnd.reset();
    this.ages.reset();
  }

  destroy(): void {
    this.endToEnd.destroy();
    this.ages.destroy();
  }
}
