import { createLatencySampler, type LatencySampler } from '../cascade/latency-model.js';
import type { SimulatedSourceOptions } from '../cascade/simulated-source.js';
import type { ErrorKind } from '../cascade/trace.js';
import type { Rng } from '../workload/types.js';
import { TimeHeap } from './event-queue.js';

/** One fetch on virtual time: when it started being served, when it ends, and how. */
export interface SourceFetch {
  /** Queue wait behind the concurrency limit, µs. */
  queueUs: number;
  /** When the fetch returns (value or error), µs. */
  endUs: number;
  /** null on success. */
  error: ErrorKind | null;
}

/**
 * The scenario's simulated feature store on virtual time: the same latency model, error rate,
 * timeout and concurrency limit as `createSimulatedSource`, with a FIFO of slots as a min-heap of
 * the times they free up. Both draws happen on every call, as in the real source, so toggling the
 * error rate does not shift the latency stream.
 */
export class SourceModel {
  private readonly sample: LatencySampler;
  private readonly slots: TimeHeap;
  private readonly timeoutUs: number;
  private readonly configuredErrorRate: number;
  latencyFactor = 1;
  errorRate: number;
  calls = 0;
  /** Failed fetches (source-error), as the real source counts them; timeouts apart. */
  errors = 0;
  timeouts = 0;

  constructor(
    options: SimulatedSourceOptions,
    private readonly rng: Rng,
  ) {
    this.sample = createLatencySampler(options.latency);
    const concurrency = options.concurrency ?? 64;
    this.slots = new TimeHeap(concurrency);
    for (let i = 0; i < concurrency; i++) this.slots.push(0);
    this.timeoutUs = (options.timeoutMs ?? 5000) * 1000;
    this.configuredErrorRate = options.errorRate ?? 0;
    this.errorRate = this.configuredErrorRate;
  }

  /** `null` restores the scenario's own error rate (a source-errors event ended). */
  setErrorRate(rate: number | null): void {
    this.errorRate = rate ?? this.configuredErrorRate;
  }

  /** A fetch asked for at `atUs`; fills `out`. */
  fetch(atUs: number, out: SourceFetch): SourceFetch {
    this.calls++;
    const startUs = Math.max(atUs, this.slots.min);
    const queueUs = startUs - atUs;
    out.queueUs = queueUs;
    if (queueUs >= this.timeoutUs) {
      // Timed out in the queue: it never took a slot.
      out.endUs = atUs + this.timeoutUs;
      out.error = 'source-timeout';
      this.timeouts++;
      return out;
    }
    const latencyUs = this.sample(this.rng) * 1000 * this.latencyFactor;
    const fails = this.rng.next() < this.errorRate;
    const remainingUs = this.timeoutUs - queueUs;
    if (latencyUs >= remainingUs) {
      out.endUs = atUs + this.timeoutUs;
      out.error = 'source-timeout';
    } else {
      out.endUs = startUs + latencyUs;
      out.error = fails ? 'source-error' : null;
    }
    if (out.error === 'source-error') this.errors++;
    else if (out.error !== null) this.timeouts++;
    this.slots.replaceMin(out.endUs);
    return out;
  }
}
