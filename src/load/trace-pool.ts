import { newTrace, resetTrace, type Trace } from '../cascade/trace.js';

/**
 * Reusable Trace objects, one per in-flight request: the hot path allocates no trace per request.
 * The pool grows to the peak number in flight and stays there.
 */
export class TracePool {
  private readonly free: Trace[] = [];

  acquire(): Trace {
    const trace = this.free.pop();
    return trace === undefined ? newTrace() : resetTrace(trace);
  }

  release(trace: Trace): void {
    this.free.push(trace);
  }

  get size(): number {
    return this.free.length;
  }
}
