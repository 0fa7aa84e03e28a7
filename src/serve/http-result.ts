import { mergeEncoded } from '../metrics/histogram.js';
import type { MetricsSummary } from '../metrics/recorder.js';
import { REDACTED } from '../redact.js';
import type { HttpServingInfo, ResultDocument } from '../results/result-types.js';
import type { Scenario } from '../scenario/schema.js';
import { AUTOCANNON_CLOSED_LOOP_NOTE, AUTOCANNON_DEPLOY_NOTE, AUTOCANNON_RATE_NOTE } from './autocannon-driver.js';
import type { HttpObserver } from './http-observer.js';
import type { HttpTarget } from './http-target.js';
import type { ReplicaReport } from './replica-protocol.js';
import type { ReplicaHandle } from './replica-set.js';

export type HttpLoad = Extract<Scenario['load'], { mode: 'http' }>;

export const OPEN_DRIVER_NOTE = 'open loop (fcbench over undici): requests start on a seeded arrival schedule; latency is measured from each intended start, so a stall shows as latency (no coordinated omission)';
export const NO_SERVER_TIMING_NOTE = 'the service sent no Server-Timing header: only end-to-end latency and status codes are recorded (no per-tier figures)';

/**
 * The HTTP-specific parts of the result, pure: the load and serving sections in the result's
 * words (which driver, what its figures mean), each replica's pid, requests, own count and fate,
 * and the replicas' own histograms merged. `finish` patches the assembled document.
 */
export function httpResultParts(input: {
  load: HttpLoad;
  target: HttpTarget;
  summary: MetricsSummary;
  reports: readonly (ReplicaReport | null)[];
  replicas: readonly ReplicaHandle[] | null;
  observed: ReturnType<HttpObserver['info']>;
  /** Events a replica missed (it was dead). @default [] */
  unreached?: readonly { event: string; replica: number; error: string }[];
  /** µs on the run's clock: `firstRequestAt` and friends are ms since then. @default 0 */
  measureStartUs?: number;
  /** Replicas a deploy retired: when they were stopped (ms since the measured phase), by id. @default none */
  retiredAt?: ReadonlyMap<number, number> | undefined;
}): { cpuSeconds: number; source: { calls: number; errors: number }; pids: number[]; finish(doc: ResultDocument): ResultDocument } {
  const { load, reports, replicas, observed, summary } = input;
  const read = reports.filter((r): r is ReplicaReport => r !== null);
  const builtin = replicas !== null;
  const source = builtin
    ? { calls: sum(read, (r) => r.source.calls), errors: sum(read, (r) => r.source.errors) }
    : { calls: summary.tiers.source.calls, errors: summary.tiers.source.errors };
  const pids = builtin ? replicas.map((r) => r.pid) : [0];

  const serving = (): HttpServingInfo => {
    const info: HttpServingInfo = { statusCodes: observed.statusCodes, serverTiming: observed.serverTiming };
    // Said only when the service answered: a run of refused connections got no headers at all.
    if (observed.serverTiming.withHeader === 0 && observed.serverTiming.absent + observed.serverTiming.malformed > 0) info.note = NO_SERVER_TIMING_NOTE;
    if (input.unreached !== undefined && input.unreached.length > 0) info.eventsUnreached = [...input.unreached];
    if (builtin) {
      const merge = (pick: (r: ReplicaReport) => string) => mergeEncoded(read.map(pick));
      info.inReplica = {
        replicasRead: read.length,
        latency: {
          endToEnd: merge((r) => r.latency.endToEnd.hdr),
          byTier: { local: merge((r) => r.latency.byTier.local.hdr), redis: merge((r) => r.latency.byTier.redis.hdr), source: merge((r) => r.latency.byTier.source.hdr) },
        },
        tiers: {
          localHits: sum(read, (r) => r.tiers.localHits),
          localLookups: sum(read, (r) => r.tiers.localLookups),
          redisHits: sum(read, (r) => r.tiers.redisHits),
          redisLookups: sum(read, (r) => r.tiers.redisLookups),
          sourceCalls: source.calls,
          sourceErrors: source.errors,
        },
      };
    }
    return info;
  };

  return {
    cpuSeconds: sum(read, (r) => r.cpuSeconds),
    source,
    pids,
    finish(doc) {
      const open = load.driver === 'open';
      doc.load.model = open ? 'open' : 'closed';
      if (open) {
        doc.load.rate = load.rate!;
        doc.load.arrivals = load.arrivals;
        doc.throughput.offeredRps = load.rate!;
      } else {
        doc.load.concurrency = load.connections * load.pipelining;
      }
      const deployed = (replicas ?? []).some((r) => r.generation > 0);
      doc.load.http = {
        driver: load.driver,
        target: input.target.label,
        connections: load.connections,
        pipelining: load.pipelining,
        ...(load.rate === undefined ? {} : { rate: load.rate }),
        routing: open ? 'per-request' : 'per-connection',
        note: open ? OPEN_DRIVER_NOTE : [AUTOCANNON_CLOSED_LOOP_NOTE, ...(load.rate === undefined ? [] : [AUTOCANNON_RATE_NOTE]), ...(deployed ? [AUTOCANNON_DEPLOY_NOTE] : [])].join('; '),
      };
      doc.serving.mode = 'http';
      const lifecycle = (id: number) => {
        const handle = replicas?.[id];
        const sent = observed.sentByReplica[id] ?? null;
        const retiredAt = input.retiredAt?.get(id);
        const ms = (us: number) => (us - (input.measureStartUs ?? 0)) / 1000;
        return {
          ...(handle === undefined || !deployed ? {} : { generation: handle.generation }),
          ...(sent === null || !deployed ? {} : { firstRequestAt: ms(sent.firstUs), lastRequestAt: ms(sent.lastUs) }),
          ...(retiredAt === undefined ? {} : { retiredAt }),
          ...(handle?.exit ? { exit: handle.exit } : {}),
        };
      };
      doc.serving.replicas = doc.serving.replicas.map((r) => {
        const report = reports[r.id] ?? null;
        return { ...r, errors: observed.errorsByReplica[r.id] ?? 0, ...(report === null ? {} : { served: report.served }), ...lifecycle(r.id) };
      });
      // A replica that got no request at all is still one of the run's processes.
      for (const handle of replicas ?? []) {
        if (!doc.serving.replicas.some((r) => r.id === handle.id)) {
          doc.serving.replicas.push({ id: handle.id, pid: handle.pid, requests: 0, localHits: 0, errors: 0, ...lifecycle(handle.id) });
        }
      }
      doc.serving.replicas.sort((a, b) => a.id - b.id);
      doc.serving.http = serving();
      redactHeaders(doc);
      return doc;
    },
  };
}

/** `load.headers` values carry credentials (`${TOKEN}` interpolated): none reaches a result. */
function redactHeaders(doc: ResultDocument): void {
  const resolved = doc.scenario.resolved as { load?: { headers?: Record<string, string> } } | undefined;
  const headers = resolved?.load?.headers;
  if (headers === undefined) return;
  for (const name of Object.keys(headers)) headers[name] = REDACTED;
}

function sum<T>(items: readonly T[], pick: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += pick(item);
  return total;
}
