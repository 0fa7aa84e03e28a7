/**
 * Realistic result documents for report tests: real HDR histograms (hdr-histogram-js, recorded from
 * seeded log-normal samples), a 60 s timeline that reacts to the scenario's events, stampede
 * expiries, cost and thresholds. Deterministic: same options -> same document.
 */
import * as hdr from 'hdr-histogram-js';
import type { LatencySummary, ResultDocument, TimelineBucket } from '../../src/results/result-types.js';

/** mulberry32: tiny seeded PRNG for fixtures (tests never use Math.random). */
function rngFrom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Log-normal sample with the given median and p99 (µs). */
function logNormal(rnd: () => number, medianUs: number, p99Us: number): number {
  const sigma = Math.log(p99Us / medianUs) / 2.326;
  const u = Math.max(rnd(), 1e-12);
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd());
  return medianUs * Math.exp(sigma * z);
}

class Hist {
  readonly h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, autoResize: false });
  record(us: number): void {
    this.h.recordValue(Math.max(0, Math.round(us)));
  }
  summary(): LatencySummary {
    const h = this.h;
    if (h.totalCount === 0) return { count: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0, hdr: '' };
    const at = (p: number) => h.getValueAtPercentile(p) / 1000;
    return { count: h.totalCount, mean: h.mean / 1000, p50: at(50), p90: at(90), p95: at(95), p99: at(99), p999: at(99.9), max: h.maxValue / 1000, hdr: hdr.encodeIntoCompressedBase64(h) };
  }
}

export interface FixtureOptions {
  seed?: number;
  name?: string;
  description?: string;
  variant?: string;
  /** Requests recorded into the histograms. @default 40000 */
  requests?: number;
  localHitRatio?: number;
  /** Multiplier on Redis and codec latencies (a slower codec). @default 1 */
  redisScale?: number;
  encodedBytes?: number;
  compression?: string;
  model?: 'open' | 'closed';
  partial?: boolean;
  startedAt?: string;
  failThreshold?: boolean;
}

export function makeResult(options: FixtureOptions = {}): ResultDocument {
  const rnd = rngFrom(options.seed ?? 42);
  const requests = options.requests ?? 40_000;
  const localShare = options.localHitRatio ?? 0.62;
  const redisScale = options.redisScale ?? 1;
  const e2e = new Hist(), local = new Hist(), redis = new Hist(), source = new Hist();
  const c = { localGet: new Hist(), redisGet: new Hist(), redisSet: new Hist(), decode: new Hist(), encode: new Hist(),
    sourceFetch: new Hist(), sourceQueue: new Hist(), lockWait: new Hist(), scheduleLag: new Hist() };
  const age = new Hist();
  let nLocal = 0, nRedis = 0, nSource = 0;
  for (let i = 0; i < requests; i++) {
    const u = rnd();
    const lag = logNormal(rnd, 15, 180);
    c.scheduleLag.record(lag);
    const localGet = logNormal(rnd, 1, 4);
    c.localGet.record(localGet);
    let total = lag + localGet;
    if (u < localShare) {
      nLocal++;
      local.record(total);
    } else if (u < localShare + (1 - localShare) * 0.9) {
      nRedis++;
      const get = logNormal(rnd, 180, 900) * redisScale, decode = logNormal(rnd, 12, 40) * redisScale;
      c.redisGet.record(get); c.decode.record(decode);
      total += get + decode;
      redis.record(total);
    } else {
      nSource++;
      const get = logNormal(rnd, 170, 800), fetch = logNormal(rnd, 8000, 40000), queue = logNormal(rnd, 50, 2000);
      const encode = logNormal(rnd, 6, 25) * redisScale, set = logNormal(rnd, 160, 700);
      c.redisGet.record(get); c.sourceFetch.record(fetch + queue); c.sourceQueue.record(queue); c.encode.record(encode); c.redisSet.record(set);
      if (rnd() < 0.05) c.lockWait.record(logNormal(rnd, 3000, 20000));
      total += get + fetch + queue + encode;
      source.record(total);
    }
    e2e.record(total);
    age.record(logNormal(rnd, 40_000_000, 200_000_000) / 1000 * 1000);
  }
  const durationMs = 60_000;
  const rate = requests / (durationMs / 1000);
  const timeline: TimelineBucket[] = [];
  for (let t = 0; t < 60; t++) {
    const expire = t >= 30 && t < 33, publish = t >= 45 && t < 48, slow = t >= 50 && t < 53;
    const rps = rate * (expire ? 0.93 : 1) * (0.97 + 0.06 * rnd());
    timeline.push({
      t, rps,
      p99: (expire ? 38 : slow ? 55 : 4.2) * (0.9 + 0.2 * rnd()),
      localHits: Math.round(rps * localShare * (expire ? 0.7 : 1)),
      redisHits: Math.round(rps * (1 - localShare) * 0.9),
      sourceCalls: Math.round(rps * (1 - localShare) * 0.1 * (expire ? 6 : 1)),
      errors: slow ? Math.round(8 + 10 * rnd()) : 0,
      staleServed: publish ? Math.round(rps * 0.05) : Math.round(rps * 0.002),
      dropped: expire ? Math.round(5 * rnd()) : 0,
    });
  }
  const total = requests;
  const localHits = nLocal;
  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
  const bytes = options.encodedBytes ?? 588;
  const e2eSummary = e2e.summary();
  const per1k = 0.000043 * (1 - localShare + 0.5);
  const result: ResultDocument = {
    schemaVersion: 1,
    tool: { name: 'fcbench', version: '0.1.0' },
    scenario: {
      name: options.name ?? 'credit-features-zipf',
      description: options.description ?? 'Zipf 1.1 over 1M customers, msgpack+zstd, 4 replicas with a 5k-entry local LRU, redis-lock stampede protection.',
      hash: 'a3f5c2d19b7e44c0e8a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b',
      variant: options.variant ?? '',
    },
    seed: options.seed ?? 42,
    startedAt: options.startedAt ?? '2026-11-25T20:15:05.123Z',
    durationMs,
    partial: options.partial ?? false,
    load: {
      mode: options.model ?? 'open', model: options.model ?? 'open', dropped: 12, scheduleLagP99: c.scheduleLag.summary().p99,
      ...(options.model === 'closed' ? { concurrency: 64 } : { rate: Math.round(rate), arrivals: 'poisson' as const }),
      warmup: { requests: Math.round(rate * 10), durationMs: 10_000 },
    },
    serving: { mode: 'in-process', routing: 'random', replicas: [0, 1, 2, 3].map((id) => ({ id, pid: 41000 + id, requests: Math.round(total / 4), localHits: Math.round(localHits / 4) })) },
    env: { node: 'v20.20.2', platform: 'linux', arch: 'x64', cpus: 2, cpuModel: 'AMD EPYC 7B13',
      redis: { version: '7.0.15', mode: 'standalone', url: 'redis://127.0.0.1:6390', provisioned: 'private', client: 'ioredis 6.0.0' } },
    requests: { total, ok: total - 55, errors: 55, errorsByKind: { 'source-timeout': 41, 'lock-timeout': 14 } },
    throughput: { offeredRps: rate, achievedRps: rate * 0.998 },
    latency: {
      endToEnd: e2eSummary,
      byTier: { local: local.summary(), redis: redis.summary(), source: source.summary() },
      components: { localGet: c.localGet.summary(), redisGet: c.redisGet.summary(), redisSet: c.redisSet.summary(), decode: c.decode.summary(),
        encode: c.encode.summary(), sourceFetch: c.sourceFetch.summary(), sourceQueue: c.sourceQueue.summary(), lockWait: c.lockWait.summary(),
        scheduleLag: c.scheduleLag.summary() },
    },
    tiers: {
      local: { enabled: true, lookups: total, hits: localHits, hitRatio: ratio(localHits, total), staleHits: 31 },
      redis: { lookups: total - localHits, hits: nRedis, hitRatio: ratio(nRedis, total - localHits), errors: 0, decodeErrors: 0 },
      source: { calls: nSource, errors: 41, callsPer1k: (1000 * nSource) / total },
      servedBy: { local: ratio(nLocal, total), redis: ratio(nRedis, total), source: ratio(nSource - 55, total), none: ratio(55, total) },
    },
    stampede: {
      strategy: 'redis-lock (lockTtl 2 s, wait 200 ms, onTimeout serve-stale)',
      expiries: [
        { at: 30_000, cause: 'event', keys: 10, waiting: 412, originCalls: 10, maxOriginCallsPerKey: 1, staleServed: 0, p99: 41.5 },
        { at: 41_250, cause: 'expired', keys: 1, waiting: 96, originCalls: 2, maxOriginCallsPerKey: 2, staleServed: 18, p99: 22.1 },
        { at: 52_800, cause: 'cold', keys: 1, waiting: 40, originCalls: 1, maxOriginCallsPerKey: 1, staleServed: 0, p99: 12.9 },
      ],
      maxOriginCallsPerExpiry: 2,
      naturalExpiries: 17,
      episodes: { cold: 212, expired: 17, evicted: 3, event: 1 },
      waiting: 548,
    },
    freshness: { staleServed: 1290, staleRatio: 1290 / total, byReason: { softExpired: 1032, outdated: 240, uncommitted: 18 }, age: age.summary() },
    payload: { rawBytes: 793, encodedBytes: bytes, compressionRatio: 793 / bytes, format: 'msgpack', compression: options.compression ?? 'zstd', writes: nSource },
    redis: { usedMemoryBefore: 1_048_576, usedMemoryAfter: 1_048_576 + 9_800 * (bytes + 90), keys: 9_800, bytesPerKey: bytes + 90, keyPrefix: 'fcb', keptKeys: false },
    cost: {
      per1kInferences: per1k,
      breakdown: { source: per1k * 0.55, redis: per1k * 0.3, compute: per1k * 0.15 },
      noCachePer1kInferences: 0.00031,
      projection: { productionRps: 5000, originQps: 5000 * ratio(nSource, total), redisMemoryBytes: 6.2e9, redisNodes: 2, costPerHour: per1k * 5 * 3600, noCachePerHour: 0.00031 * 5 * 3600 },
    },
    timeline,
    events: [
      { at: 30_000, kind: 'expire-hot', top: 10 },
      { at: 45_000, kind: 'batch-publish', featureSet: 'credit_features', version: 'v8', changed: 0.3, publication: 'post-commit' },
      { at: 50_000, kind: 'source-slowdown', durationMs: 3_000, factor: 5 },
    ],
    thresholds: [
      { metric: 'latency.endToEnd.p99', op: '<', limit: 15, expression: '< 15ms', actual: e2eSummary.p99, passed: e2eSummary.p99 < 15 },
      { metric: 'tiers.local.hitRatio', op: '>', limit: 0.3, expression: '> 0.3', actual: ratio(localHits, total), passed: ratio(localHits, total) > 0.3 },
      { metric: 'stampede.maxOriginCallsPerExpiry', op: '<=', limit: 1, expression: '<= 1', actual: 2, passed: !(options.failThreshold ?? true) },
    ],
  };
  return result;
}

/** Strings that would run script or inject markup if any path forgot to escape them. */
export const HOSTILE_NAME = 'evil <img src=x onerror=alert(1)> </script><script>alert(1)</script>';
export const HOSTILE_DESCRIPTION = 'desc </script><script>alert(1)</script> & <img src=x onerror=alert(1)> \u2028 "quoted" \'single\' `tick` <!--';

/** Every text field the report prints carries markup or a script break-out. */
export function makeHostileResult(): ResultDocument {
  const r = makeResult({ seed: 7, name: HOSTILE_NAME, description: HOSTILE_DESCRIPTION, variant: 'codec=<b>bold</b>"><svg onload=alert(1)>' });
  r.events.push({ at: 20_000, kind: '<img src=x onerror=alert(1)>', note: '</script><script>alert(1)</script>' });
  r.requests.errorsByKind['<script>alert(1)</script>'] = 1;
  r.stampede.strategy = '<iframe src="https://example.com"></iframe>';
  r.payload.format = '<style>body{display:none}</style>';
  r.env.cpuModel = '<link rel=stylesheet href=https://example.com/x.css>';
  r.thresholds.push({ metric: 'x.<img src=x onerror=alert(1)>', op: '<', limit: 1, expression: '< 1 </script>', actual: null, passed: false });
  return r;
}
