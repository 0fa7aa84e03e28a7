/**
 * `npm run bench -- http`: the HTTP drivers against the same two builtin replica processes, in one
 * run. (1) autocannon's closed loop at full speed sets the reference rate; the open driver is then
 * offered fractions of it and must hold >= 0.8x without drops. (2) The replicas' HTTP overhead: a
 * local hit over HTTP (open driver, light load) against a local hit in-process (runVariant), as a
 * ratio, with the replicas' own in-process figure alongside.
 */
import { systemClock } from '../src/cascade/clock.js';
import { buildWorkload } from '../src/load/build-workload.js';
import { runVariant } from '../src/load/run-variant.js';
import { createRecorder } from '../src/metrics/recorder.js';
import { mergeEncoded } from '../src/metrics/histogram.js';
import { provisionRedis } from '../src/redis/provision.js';
import { cleanupRunKeys } from '../src/redis/end-state.js';
import { parseScenario } from '../src/scenario/validate.js';
import { createAutocannonDriver } from '../src/serve/autocannon-driver.js';
import { createHttpObserver } from '../src/serve/http-observer.js';
import { builtinTarget } from '../src/serve/http-target.js';
import { createOpenDriver, type HttpDriver } from '../src/serve/open-driver.js';
import { startReplicaSet, type ReplicaSet } from '../src/serve/replica-set.js';
import { createRequestPlan } from '../src/serve/request-plan.js';
import { createArrivals } from '../src/workload/arrivals.js';
import type { Scenario } from '../src/scenario/schema.js';
import type { BenchSection } from './types.js';

const PHASE_S = 4;
const CONNECTIONS = 16;

/** Local hits only: a key space that fits every replica's LRU, filled by a warmup. */
function scenario(load: Record<string, unknown>): Scenario {
  return parseScenario({
    name: 'bench-http',
    seed: 11,
    duration: `${PHASE_S}s`,
    warmup: '0s',
    keys: { entities: 2000, distribution: { kind: 'zipf', exponent: 0.99 } },
    cascade: { replicas: 2, routing: 'round-robin', local: { maxEntries: 5000, ttl: '1h' }, source: { kind: 'simulated', latency: { fixed: '1ms' } } },
    codec: { format: 'msgpack' },
    metrics: { mrc: false },
    load,
  });
}

interface Measured {
  achievedRps: number;
  dropped: number;
  requests: number;
  errors: number;
  localP50Ms: number;
  e2eP50Ms: number;
  e2eP99Ms: number;
}

async function drive(replicas: ReplicaSet, s: Scenario, make: (deps: ReturnType<typeof driverDeps>) => HttpDriver, seconds: number): Promise<Measured> {
  const deps = driverDeps(replicas, s);
  const driver = make(deps);
  const signal = new AbortController().signal;
  deps.recorder.start(systemClock.nowUs());
  const outcome = await driver.run({ durationUs: seconds * 1e6, requests: Infinity }, signal);
  const summary = deps.recorder.finish(systemClock.nowUs());
  deps.recorder.close();
  await driver.close();
  const seconds_ = (outcome.endUs - outcome.startUs) / 1e6;
  return {
    achievedRps: summary.requests.total / seconds_,
    dropped: summary.load.dropped,
    requests: summary.requests.total,
    errors: summary.requests.errors,
    localP50Ms: summary.latency.byTier.local.p50,
    e2eP50Ms: summary.latency.endToEnd.p50,
    e2eP99Ms: summary.latency.endToEnd.p99,
  };
}

function driverDeps(replicas: ReplicaSet, s: Scenario) {
  const workload = buildWorkload(s, process.cwd());
  const recorder = createRecorder();
  return {
    workload,
    recorder,
    options: {
      origins: replicas.replicas.map((r) => r.origin),
      pathFor: builtinTarget().pathFor,
      headers: { accept: 'application/msgpack' },
      connections: CONNECTIONS,
      pipelining: 1,
      timeoutMs: 5000,
      plan: createRequestPlan(s, workload, '', replicas.replicas.length),
      observer: createHttpObserver(recorder, replicas.replicas.length),
      clock: systemClock,
    },
  };
}

function openDriver(rate: number) {
  return (deps: ReturnType<typeof driverDeps>) =>
    createOpenDriver({
      ...deps.options,
      nextGapUs: ((a) => () => a.nextGapUs())(createArrivals('poisson', rate, deps.workload.root.fork('arrivals'))),
      maxInFlight: 1024,
      onDropped: (at) => deps.recorder.recordDropped(at),
    });
}

const autocannonDriver = (deps: ReturnType<typeof driverDeps>) => createAutocannonDriver(deps.options);

export async function runBench(): Promise<BenchSection> {
  const s = scenario({ mode: 'http', driver: 'autocannon', connections: CONNECTIONS });
  const redis = await provisionRedis({ url: 'auto', env: {} });
  const keyPrefix = `bench-http:${process.pid}`;
  const replicas = await startReplicaSet({
    count: 2,
    config: (id) => ({ id, scenario: s, scenarioDir: process.cwd(), keyPrefix, runId: 'bench', redisUrl: redis.connectUrl }),
  });
  const rows: BenchSection['rows'] = [];
  const notes: string[] = [];
  try {
    // Warm every replica's local tier with the whole key space, then measure on local hits.
    await drive(replicas, s, autocannonDriver, 2);
    const reference = await drive(replicas, s, autocannonDriver, PHASE_S);
    rows.push({ driver: 'autocannon (closed loop, 16 connections)', 'offered req/s': '-', 'achieved req/s': Math.round(reference.achievedRps), 'x autocannon': 1, dropped: 0, 'p50 ms': reference.e2eP50Ms, 'p99 ms': reference.e2eP99Ms });
    let held = 0;
    for (const fraction of [0.6, 0.8, 1.0]) {
      const rate = Math.round(reference.achievedRps * fraction);
      const m = await drive(replicas, s, openDriver(rate), PHASE_S);
      const ratio = m.achievedRps / reference.achievedRps;
      if (m.dropped === 0 && m.achievedRps >= 0.98 * rate) held = Math.max(held, ratio);
      rows.push({ driver: `open (undici), offered ${fraction}x`, 'offered req/s': rate, 'achieved req/s': Math.round(m.achievedRps), 'x autocannon': ratio, dropped: m.dropped, 'p50 ms': m.e2eP50Ms, 'p99 ms': m.e2eP99Ms });
    }
    notes.push(`open driver held ${held.toFixed(2)}x autocannon's closed-loop rate without drops against the same replicas (goal >= 0.8x)`);

    // HTTP overhead on a local hit: light load, so queueing does not count.
    await replicas.broadcast({ op: 'reset' });
    const light = await drive(replicas, s, openDriver(500), PHASE_S);
    const inside = (await replicas.reports()).filter((r) => r !== null);
    const insideLocal = mergeEncoded(inside.map((r) => r!.latency.byTier.local.hdr));
    const inProcess = await runVariant(
      { label: '', assignments: {}, hash: '', scenario: scenario({ mode: 'open', rate: 500, arrivals: 'poisson' }) },
      { scenarioDir: process.cwd(), toolVersion: 'bench', env: {} },
    );
    const inProcessLocal = inProcess.latency.byTier.local.p50;
    rows.push({ driver: 'local hit over HTTP (open, 500 req/s)', 'offered req/s': 500, 'achieved req/s': Math.round(light.achievedRps), 'x autocannon': '-', dropped: light.dropped, 'p50 ms': light.localP50Ms, 'p99 ms': light.e2eP99Ms });
    rows.push({ driver: 'local hit in-process (runVariant, 500 req/s)', 'offered req/s': 500, 'achieved req/s': Math.round(inProcess.throughput.achievedRps), 'x autocannon': '-', dropped: inProcess.load.dropped, 'p50 ms': inProcessLocal, 'p99 ms': inProcess.latency.byTier.local.p99 });
    rows.push({ driver: 'local hit inside a replica (its own histogram)', 'offered req/s': '-', 'achieved req/s': '-', 'x autocannon': '-', dropped: '-', 'p50 ms': insideLocal.p50, 'p99 ms': insideLocal.p99 });
    notes.push(
      `HTTP overhead on a local hit: p50 ${(light.localP50Ms * 1000).toFixed(0)} µs over HTTP vs ${(inProcessLocal * 1000).toFixed(1)} µs in-process = ${(light.localP50Ms / inProcessLocal).toFixed(0)}x ` +
        `(inside the replica ${(insideLocal.p50 * 1000).toFixed(1)} µs); the HTTP round trip, not the cache, is the cost of a served local hit`,
    );
    notes.push('replicas, Redis and the load generator share the machine\'s cores: the rates are what this machine does with all three on it');
  } finally {
    await replicas.stop();
    await cleanupRunKeys(redis.client, keyPrefix, { keep: false, waitMs: 0 });
    await redis.close();
  }
  return { title: 'HTTP drivers against builtin replicas (open vs autocannon; HTTP overhead on a local hit)', rows, notes };
}
