import type { Clock } from '../cascade/clock.js';
import type { PhaseBound, PhaseOutcome } from '../load/issuer.js';
import { runOpenLoop } from '../load/open-loop.js';
import { lazyModule } from '../lazy-module.js';
import { httpErrorKind } from './http-errors.js';
import type { HttpObserver } from './http-observer.js';
import type { RequestPlan } from './request-plan.js';

const undici = lazyModule<typeof import('undici')>('undici');
type Pool = InstanceType<typeof import('undici').Pool>;

export interface HttpDriverOptions {
  /** One origin per replica (`http://127.0.0.1:port`), or the external service's. */
  origins: readonly string[];
  pathFor(entity: string, sets: readonly string[]): string;
  headers: Record<string, string>;
  /** Connections over all origins (each gets its share, at least one). */
  connections: number;
  pipelining: number;
  timeoutMs: number;
  plan: RequestPlan;
  observer: HttpObserver;
  clock: Clock;
}

export interface HttpDriver {
  run(bound: PhaseBound, signal: AbortSignal): Promise<PhaseOutcome>;
  /** A replica died: stop sending to it where the driver can (autocannon), count errors otherwise. */
  replicaGone(replica: number): void;
  /**
   * A deploy's switch, called in the same tick as the plan's `switchTo`: requests from now go to
   * `origins` (replica ids from `firstId`). Resolves once the previous generation's in-flight
   * requests are done, so its replicas can be read and stopped.
   */
  switchTo(firstId: number, origins: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** Connections of origin `i` when `total` are spread over `origins` (at least one each). */
export function connectionsFor(total: number, origins: number, i: number): number {
  return Math.max(1, Math.floor(total / origins) + (i < total % origins ? 1 : 0));
}

/**
 * The open loop's spin window over HTTP: an HTTP response takes hundreds of µs, so a schedule lag
 * of this order is small beside it, while spinning longer would take a core from the replicas and
 * Redis on the same machine (`npm run bench -- http`).
 */
const HTTP_SPIN_WINDOW_US = 300;

export interface OpenDriverOptions extends HttpDriverOptions {
  nextGapUs: () => number;
  maxInFlight: number;
  /** An arrival dropped at the in-flight cap (the recorder counts it). */
  onDropped: (intendedUs: number) => void;
}

/**
 * `driver: open`: fcbench's open-loop schedule (src/load/open-loop.ts) issuing requests over
 * undici keep-alive pools, one per replica. Each request's latency runs from its intended start,
 * so a stall in the service shows as the queue behind it (no coordinated omission); arrivals
 * beyond `maxInFlight` are dropped and counted. The replica is picked per request by the router.
 */
export function createOpenDriver(options: OpenDriverOptions): HttpDriver {
  const { clock, plan, observer, timeoutMs } = options;
  // By global replica id; a deploy adds its generation's pools and closes the previous one's.
  const pools: Pool[] = [];
  let generation: number[] = [];
  const open = (firstId: number, origins: readonly string[]): void => {
    generation = origins.map((origin, i) => {
      pools[firstId + i] = new (undici().Pool)(origin, {
        connections: connectionsFor(options.connections, origins.length, i),
        pipelining: options.pipelining,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        connectTimeout: timeoutMs,
        keepAliveTimeout: 60_000,
      });
      return firstId + i;
    });
  };
  open(0, options.origins);
  const headers = options.headers;

  const issue = (intendedUs: number): Promise<void> | undefined => {
    const request = plan.next();
    if (request === null) return undefined;
    const startUs = clock.nowUs();
    const { replica, key } = request;
    return pools[replica]!.request({ method: 'GET', path: options.pathFor(request.entity, request.sets), headers }).then(
      async (response) => {
        // The body is read in full: the response is complete when its last byte is in.
        await response.body.dump({ limit: Number.MAX_SAFE_INTEGER });
        observer.response(replica, intendedUs, startUs, clock.nowUs(), response.statusCode, response.headers['server-timing'], key);
      },
      (error: unknown) => observer.failure(replica, intendedUs, startUs, clock.nowUs(), httpErrorKind(error), key),
    ).catch((error: unknown) => observer.failure(replica, intendedUs, startUs, clock.nowUs(), httpErrorKind(error), key));
  };

  return {
    run: (bound, signal) =>
      runOpenLoop({ nextGapUs: options.nextGapUs, maxInFlight: options.maxInFlight, bound, clock, signal, drainTimeoutMs: timeoutMs + 1000, onDropped: options.onDropped, spinWindowUs: HTTP_SPIN_WINDOW_US }, issue),
    replicaGone: () => undefined,
    async switchTo(firstId, origins) {
      const previous = generation;
      open(firstId, origins);
      // undici's close() lets the queued and in-flight requests finish; the plan sends no new ones here.
      await Promise.allSettled(previous.map((id) => pools[id]!.close()));
    },
    close: async () => {
      await Promise.allSettled(pools.map((p) => p.destroy()));
    },
  };
}
