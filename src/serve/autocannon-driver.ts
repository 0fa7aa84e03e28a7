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

/**
 * What a deploy does to autocannon's connections, which are bound to one replica each (autocannon
 * has no per-request host). At the switch fcbench starts new autocannon instances towards the new
 * replicas for the rest of the phase, and caps each old connection at the requests it already sent
 * (the `responseMax` of autocannon 8's lib/httpClient.js, read before each send): it gets its
 * in-flight response, is recorded, and closes without sending another. So no request is sent to an
 * old replica after the switch (with pipelining above 1, the other requests in flight on that
 * connection are dropped with it, unrecorded), and the old replicas are stopped once their last
 * connection closed.
 */
export const AUTOCANNON_DEPLOY_NOTE =
  'at a deploy, new autocannon connections start towards the new replicas and each old connection closes after its in-flight response (no request is sent to an old replica after the switch)';

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

/** The part of autocannon's per-connection Client a deploy touches (see AUTOCANNON_DEPLOY_NOTE). */
interface AutocannonClient {
  reqsMade: number;
  responseMax: number | undefined;
  destroyed: boolean;
  destroy(): void;
  once(event: 'done', listener: () => void): void;
}

type Autocannon = (
  options: Record<string, unknown> & { url: string; requests: AutocannonRequest[] },
  done: (error: Error | null) => void,
) => AutocannonInstance;

// autocannon is CommonJS without types; this is the part of its programmatic API fcbench uses.
const autocannonModule = lazyModule<Autocannon>('autocannon');
const autocannon: Autocannon = (...args) => autocannonModule()(...args);

/** The phase being driven: new instances a deploy starts run for what is left of it. */
interface ActivePhase {
  bound: PhaseBound;
  endUs: number;
  counts: { done: number };
  running: Promise<void>[];
  stopAll(): void;
}

/**
 * `driver: autocannon`: one autocannon instance per replica (connections split evenly), all
 * running at once; an instance's connections ask for the entities the plan gives that replica.
 * Every response is recorded here with µs timing from autocannon's own per-request hrtime, and
 * its Server-Timing header, so both drivers fill the same result fields.
 */
export function createAutocannonDriver(options: HttpDriverOptions & { rate?: number | undefined }): HttpDriver {
  const { clock, plan, observer } = options;
  // By global replica id: the instance serving it and its connections.
  const running = new Map<number, AutocannonInstance>();
  const clients = new Map<number, AutocannonClient[]>();
  const gone = new Set<number>();
  let generation = { firstId: 0, origins: options.origins };
  let active: ActivePhase | null = null;

  const runOne = (replica: number, index: number, phase: ActivePhase): Promise<void> => {
    const { origins } = generation;
    const connections = connectionsFor(options.connections, origins.length, index);
    // What is left of the phase: all of it at its start, the rest for a deploy's new instances.
    const timed = Number.isFinite(phase.bound.durationUs);
    const durationS = (phase.endUs - clock.nowUs()) / 1e6;
    const requestsLeft = phase.bound.requests - phase.counts.done;
    if (timed ? durationS <= 0 : requestsLeft <= 0) return Promise.resolve();
    const left = timed ? { duration: durationS } : { amount: Math.max(connections, Math.round((requestsLeft * connections) / options.connections)) };
    // The headers of the response being handled: autocannon calls onResponse and then emits
    // 'response' for the same response, synchronously, so one slot is enough.
    let lastTiming: string | string[] | undefined;
    let lastKey = '';
    const request: AutocannonRequest = {
      method: 'GET',
      setupRequest(req, context) {
        const next: PlannedRequest | null = plan.nextFor(replica);
        if (next === null) {
          phase.stopAll();
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
    const own: AutocannonClient[] = [];
    clients.set(replica, own);
    return new Promise((resolve, reject) => {
      const instance = autocannon(
        {
          url: origins[index]!,
          connections,
          pipelining: options.pipelining,
          timeout: options.timeoutMs / 1000,
          headers: options.headers,
          requests: [request],
          setupClient: (client: AutocannonClient) => void own.push(client),
          ...left,
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
        phase.counts.done++;
        observer.response(replica, startUs, startUs, endUs, status, lastTiming, lastKey);
        lastTiming = undefined;
      });
      instance.on('reqError', (error) => {
        const now = clock.nowUs();
        phase.counts.done++;
        observer.failure(replica, now, now, now, httpErrorKind(error), '');
      });
    });
  };

  const startGeneration = (phase: ActivePhase): void => {
    generation.origins.forEach((_, index) => {
      const replica = generation.firstId + index;
      if (!gone.has(replica)) phase.running.push(runOne(replica, index, phase));
    });
  };

  /** Each connection gets the response it waits for and closes (see AUTOCANNON_DEPLOY_NOTE); resolves when all have. */
  const closeAfterInFlight = (replica: number): Promise<void> =>
    Promise.all(
      (clients.get(replica) ?? []).map(
        (client) =>
          new Promise<void>((resolve) => {
            if (client.destroyed) return resolve();
            client.once('done', resolve);
            // Not sent anything yet (still connecting): nothing in flight to wait for.
            if (client.reqsMade === 0) client.destroy();
            else client.responseMax = client.reqsMade;
          }),
      ),
    ).then(() => undefined);

  return {
    async run(bound, signal) {
      const startUs = clock.nowUs();
      const phase: ActivePhase = {
        bound,
        endUs: startUs + bound.durationUs,
        counts: { done: 0 },
        running: [],
        stopAll: () => {
          for (const instance of running.values()) instance.stop();
        },
      };
      signal.addEventListener('abort', phase.stopAll, { once: true });
      active = phase;
      startGeneration(phase);
      // A deploy during the phase adds instances: wait until no more were added.
      for (let awaited = 0; awaited < phase.running.length; ) {
        awaited = phase.running.length;
        await Promise.all(phase.running);
      }
      active = null;
      signal.removeEventListener('abort', phase.stopAll);
      return { issued: phase.counts.done, dropped: 0, startUs, endUs: clock.nowUs(), abandoned: 0 };
    },
    replicaGone(replica) {
      // Its connections would otherwise reconnect in a tight loop until the end of the run.
      gone.add(replica);
      running.get(replica)?.stop();
    },
    switchTo(firstId, origins) {
      const previous = generation.origins.map((_, i) => generation.firstId + i);
      generation = { firstId, origins };
      if (active !== null) startGeneration(active);
      return Promise.all(previous.map(closeAfterInFlight)).then(() => undefined);
    },
    close: async () => undefined,
  };
}

function headerOf(headers: Record<string, string | string[]>, name: string): string | string[] | undefined {
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name) return headers[key];
  return undefined;
}
