import type { PhaseBound, PhaseOutcome } from '../load/issuer.js';
import { lazyModule } from '../lazy-module.js';
import { httpErrorKind } from './http-errors.js';
import type { HttpDriver, HttpDriverOptions } from './open-driver.js';
import { connectionsFor } from './open-driver.js';
import type { PlannedRequest } from './request-plan.js';

/**
 * What autocannon's rate option does, verified in its source (lib/httpClient.js, lib/run.js of
 * autocannon 8): `overallRate` is split over the connections, and each connection counts the
 * requests it sent in the current wall-clock second (a 1 s setInterval resets the count). Under
 * its budget a connection sends its next request as soon as the last response arrived; over it, it
 * waits for the next reset. So it caps throughput per second; it is not an arrival schedule: requests
 * come in bursts at the start of each second, a slow second is never made up, and a stall delays
 * the requests behind it instead of showing as their latency. Its coordinated-omission correction
 * back-fills with an expected interval of ceil(1 / rate) = 1 ms whatever the rate, so fcbench
 * turns it off and measures each request itself.
 */
export const AUTOCANNON_RATE_NOTE =
  "autocannon's rate is a per-connection budget per wall-clock second (bursts at each second's start, a slow second never made up), not an arrival schedule";

export const AUTOCANNON_CLOSED_LOOP_NOTE =
  'closed loop (autocannon): each connection sends its next request when the last response arrived; latency is measured from the actual send, so a stall lowers throughput instead of showing as latency';

interface AutocannonRequest {
  method: string;
  path?: string;
  setupRequest?: (request: AutocannonRequest, context: Record<string, unknown>) => AutocannonRequest;
  onResponse?: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, string | string[]>) => void;
}

interface AutocannonInstance {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, responseTimeMs: number) => void): void;
  on(event: 'reqError', listener: (error: Error) => void): void;
  on(event: 'done', listener: () => void): void;
  stop(): void;
}

type Autocannon = (
  options: Record<string, unknown> & { url: string; requests: AutocannonRequest[] },
  done: (error: Error | null) => void,
) => AutocannonInstance;

// autocannon is CommonJS without types; this is the part of its programmatic API fcbench uses.
const autocannonModule = lazyModule<Autocannon>('autocannon');
const autocannon: Autocannon = (...args) => autocannonModule()(...args);

/**
 * `driver: autocannon`: one autocannon instance per replica (connections split evenly), all
 * running at once; an instance's connections ask for the entities the plan gives that replica.
 * Every response is recorded here with µs timing from autocannon's own per-request hrtime, and
 * its Server-Timing header, so both drivers fill the same result fields.
 */
export function createAutocannonDriver(options: HttpDriverOptions & { rate?: number | undefined }): HttpDriver {
  const { clock, plan, observer } = options;
  const running = new Map<number, AutocannonInstance>();
  const gone = new Set<number>();

  const runOne = (replica: number, bound: PhaseBound, counts: { done: number }, stopAll: () => void): Promise<void> => {
    const connections = connectionsFor(options.connections, options.origins.length, replica);
    // The headers of the response being handled: autocannon calls onResponse and then emits
    // 'response' for the same response, synchronously, so one slot is enough.
    let lastTiming: string | string[] | undefined;
    let lastKey = '';
    const request: AutocannonRequest = {
      method: 'GET',
      setupRequest(req, context) {
        const next: PlannedRequest | null = plan.nextFor(replica);
        if (next === null) {
          stopAll();
          return req;
        }
        context['key'] = next.key;
        req.path = options.pathFor(next.entity, next.sets);
        return req;
      },
      onResponse(_status, _body, context, headers) {
        lastTiming = headerOf(headers, 'server-timing');
        lastKey = typeof context['key'] === 'string' ? context['key'] : '';
      },
    };
    const share = options.rate === undefined ? undefined : Math.max(1, Math.round((options.rate * connections) / options.connections));
    return new Promise((resolve, reject) => {
      const instance = autocannon(
        {
          url: options.origins[replica]!,
          connections,
          pipelining: options.pipelining,
          timeout: options.timeoutMs / 1000,
          headers: options.headers,
          requests: [request],
          ...(Number.isFinite(bound.durationUs) ? { duration: bound.durationUs / 1e6 } : { amount: Math.max(connections, Math.round((bound.requests * connections) / options.connections)) }),
          // autocannon refuses ignoreCoordinatedOmission without a rate (there is nothing to correct then).
          ...(share === undefined ? {} : { overallRate: share, ignoreCoordinatedOmission: true }),
        },
        (error) => {
          running.delete(replica);
          if (error) reject(new Error(`autocannon (replica ${replica}): ${error.message}`));
          else resolve();
        },
      );
      running.set(replica, instance);
      instance.on('response', (_client, status, _bytes, responseTimeMs) => {
        const endUs = clock.nowUs();
        const startUs = endUs - responseTimeMs * 1000;
        counts.done++;
        observer.response(replica, startUs, startUs, endUs, status, lastTiming, lastKey);
        lastTiming = undefined;
      });
      instance.on('reqError', (error) => {
        const now = clock.nowUs();
        counts.done++;
        observer.failure(replica, now, now, now, httpErrorKind(error), '');
      });
    });
  };

  return {
    async run(bound, signal) {
      const startUs = clock.nowUs();
      const counts = { done: 0 };
      const stopAll = () => {
        for (const instance of running.values()) instance.stop();
      };
      signal.addEventListener('abort', stopAll, { once: true });
      const replicas = options.origins.map((_, i) => i).filter((i) => !gone.has(i));
      await Promise.all(replicas.map((i) => runOne(i, bound, counts, stopAll)));
      signal.removeEventListener('abort', stopAll);
      return { issued: counts.done, dropped: 0, startUs, endUs: clock.nowUs(), abandoned: 0 };
    },
    replicaGone(replica) {
      // Its connections would otherwise reconnect in a tight loop until the end of the run.
      gone.add(replica);
      running.get(replica)?.stop();
    },
    close: async () => undefined,
  };
}

function headerOf(headers: Record<string, string | string[]>, name: string): string | string[] | undefined {
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name) return headers[key];
  return undefined;
}
