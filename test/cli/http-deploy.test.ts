import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ColdStartSeries, ResultDocument } from '../../src/results/result-types.js';
import { alive, replicaChildren } from '../helpers/processes.js';
import { usePrivateRedis } from '../helpers/redis.js';
import { readResultFiles, useBuiltCli, writeScenario } from './cli-helpers.js';

/**
 * Deploys with `load.mode: http` and builtin replicas, through the spawned CLI: a new generation
 * of real replica processes takes the traffic, the old one is read and stopped. Counts, shares and
 * the order of events on the run's clock only, never wall-clock durations.
 */
const cli = useBuiltCli();
const redis = usePrivateRedis();

function scenario(load: string, events: string, extra = ''): { file: string; out: string } {
  const { dir, file } = writeScenario('fcb-http-deploy-', `name: http-deploy
seed: 5
keys: { entities: 2000, distribution: { kind: zipf, exponent: 0.9 } }
featureSets:
  - { name: scores, payload: { floats: 8, ints: 2, strings: 1 }, ttl: { hard: 1h } }
cascade:
  replicas: 2
  routing: random
  local: { maxEntries: 2000, ttl: 1h }
  redis: { keyPrefix: fcb-http-deploy }
  source: { kind: simulated, latency: { fixed: 1ms } }
metrics: { mrc: false }
${load}
events: ${events}
${extra}`);
  return { file, out: join(dir, 'out') };
}

type Replica = ResultDocument['serving']['replicas'][number];
const sum = (rs: readonly Replica[], pick: (r: Replica) => number) => rs.reduce((t, r) => t + pick(r), 0);

/** Local-hit share of the first `windows` series windows after `atMs` (what a deploy empties while Redis stays warm). */
function localShareAfter(series: ColdStartSeries, atMs: number, windows: number): number {
  const first = Math.ceil((atMs - series.at) / series.windowMs);
  const range = series.requests.slice(first, first + windows);
  expect(range.length, 'the span after the switch has the windows compared').toBe(windows);
  return series.local.slice(first, first + windows).reduce((a, b) => a + b, 0) / range.reduce((a, b) => a + b, 0);
}

describe('fcbench run, load.mode http: deploy events', () => {
  it('open driver: a new generation takes the traffic at the switch, the old one is read and stopped; warmLocal starts it warm', async () => {
    // One CLI run, two variants on the same seeded traffic: a cold deploy and one with warmLocal.
    const s = scenario(
      'warmup: 500ms\nduration: 3500ms\nload: { mode: http, driver: open, rate: 500, connections: 4, arrivals: constant }',
      '[{ at: 500ms, kind: deploy, replicas: 3 }]',
      'matrix: { "events.0.warmLocal": [0, 2000] }',
    );
    const run = await cli.run(['run', s.file, '--out', s.out, '--no-report', '--quiet'], { env: { REDIS_URL: redis.url } });
    expect(run.code, run.stderr).toBe(0);
    const results = readResultFiles(s.out) as ResultDocument[];
    const cold = results.find((r) => r.events[0]?.['warmLocal'] === undefined);
    const warm = results.find((r) => r.events[0]?.['warmLocal'] === 2000);
    for (const result of [cold!, warm!]) {
      const [event] = result.events;
      expect(event).toMatchObject({ kind: 'deploy', replicasBefore: 2, replicas: 3, firstReplicaId: 2 });
      const switchedAt = event!['switchedAt'] as number;
      expect(switchedAt).toBeLessThan(result.durationMs);
      // Two generations of distinct processes, both served, and every request is one of theirs.
      const replicas = result.serving.replicas;
      expect(replicas.map((r) => [r.id, r.generation])).toEqual([[0, 0], [1, 0], [2, 1], [3, 1], [4, 1]]);
      expect(new Set(replicas.map((r) => r.pid)).size).toBe(5);
      expect(replicas.slice(2).map((r) => r.pid)).toEqual(event!['pids']);
      for (const r of replicas) {
        expect(r.requests).toBeGreaterThan(0);
        // The replica's own count, read from it (the old ones before they were stopped), matches.
        expect(r.served).toBe(r.requests);
      }
      expect(sum(replicas, (r) => r.requests)).toBe(result.requests.total);
      expect(result.requests.errors).toBe(0);
      expect(result.serving.http!.inReplica!.replicasRead).toBe(5);
      // The switch is exact: the old generation sent nothing after it, the new one nothing before.
      for (const r of replicas.slice(0, 2)) {
        expect(r.lastRequestAt!).toBeLessThanOrEqual(switchedAt);
        expect(r.retiredAt!).toBeGreaterThanOrEqual(switchedAt);
        expect(alive(r.pid)).toBe(false);
      }
      for (const r of replicas.slice(2)) {
        expect(r.firstRequestAt!).toBeGreaterThanOrEqual(switchedAt);
        expect(r.retiredAt).toBeUndefined();
        expect(alive(r.pid)).toBe(false);
      }
      // Routing over the new count: three new replicas share the traffic after the switch.
      const fresh = replicas.slice(2).map((r) => r.requests);
      const mean = fresh.reduce((a, b) => a + b, 0) / 3;
      for (const n of fresh) expect(Math.abs(n - mean) / mean).toBeLessThan(0.25);
      // Cold-start records from Server-Timing: the start and the deploy, which began at the event.
      expect(result.coldStarts!.map((c) => c.cause)).toEqual(['start', 'deploy']);
      const deploy = result.coldStarts![1]!;
      expect(deploy.servingAt).toBe(switchedAt);
      expect(deploy.at).toBeGreaterThanOrEqual(event!.at);
      expect(deploy.at).toBeLessThan(switchedAt);
    }
    expect(cold!.events[0]!['warmedKeys']).toBe(0);
    // Three replicas preloaded what Redis held of the 2,000 hottest entities: as many as the
    // traffic before the deploy had fetched (hundreds each here, fewer on a loaded machine).
    expect(warm!.events[0]!['warmedKeys'] as number).toBeGreaterThan(3 * 50);
    expect(warm!.events[0]!['warmedKeys'] as number).toBeLessThanOrEqual(3 * 2000);
    expect(warm!.coldStarts![1]!.label).toMatch(/^started \d+\.\d\d s, preloaded \d+\.\d\d s \(old replicas serving\), then served from cache/);
    // Redis is shared and warm, so what warmLocal changes is the local tier's share of the
    // responses (Server-Timing's tier) right after the switch, and the Redis reads until steady.
    const w = localShareAfter(warm!.coldStartSeries!, warm!.events[0]!['switchedAt'] as number, 4);
    const c = localShareAfter(cold!.coldStartSeries!, cold!.events[0]!['switchedAt'] as number, 4);
    expect(w).toBeGreaterThan(c * 1.3);
    const localHitRatio = (r: ResultDocument) => sum(r.serving.replicas.slice(2), (x) => x.localHits) / sum(r.serving.replicas.slice(2), (x) => x.requests);
    expect(localHitRatio(warm!)).toBeGreaterThan(localHitRatio(cold!));
  });

  it('autocannon: connections move to the new generation at the switch, and the note says how', async () => {
    const s = scenario('warmup: 0s\nduration: 2500ms\nload: { mode: http, driver: autocannon, connections: 2 }', '[{ at: 500ms, kind: deploy, replicas: 1 }]');
    const run = await cli.run(['run', s.file, '--out', s.out, '--no-report', '--quiet'], { env: { REDIS_URL: redis.url } });
    expect(run.code, run.stderr).toBe(0);
    const [result] = readResultFiles(s.out) as [ResultDocument];
    const [event] = result.events;
    expect(event).toMatchObject({ kind: 'deploy', replicasBefore: 2, replicas: 1, firstReplicaId: 2 });
    const switchedAt = event!['switchedAt'] as number;
    const [a, b, fresh] = result.serving.replicas;
    expect(result.serving.replicas.map((r) => r.generation)).toEqual([0, 0, 1]);
    for (const r of [a!, b!, fresh!]) expect(r.requests).toBeGreaterThan(0);
    expect(a!.requests + b!.requests + fresh!.requests).toBe(result.requests.total);
    // Old connections got their in-flight response and sent no other (send times within a
    // millisecond of autocannon's own per-request timer); the new ones started at the switch.
    expect(Math.max(a!.lastRequestAt!, b!.lastRequestAt!)).toBeLessThan(switchedAt + 1);
    expect(fresh!.firstRequestAt!).toBeGreaterThanOrEqual(switchedAt);
    expect(result.requests.errors).toBe(0);
    expect(result.load.http!.note).toMatch(/at a deploy, new autocannon connections start towards the new replicas/);
    expect(result.serving.http!.serverTiming.withHeader).toBe(result.requests.total);
  });

  it('SIGINT mid-deploy (new replicas preloading): exit 130, and no replica process of any generation is left', async () => {
    const s = scenario('warmup: 0s\nduration: 30s\nload: { mode: http, driver: open, rate: 300, connections: 2 }', '[{ at: 1500ms, kind: deploy, replicas: 3, warmLocal: 2000 }]');
    const running = cli.start(['run', s.file, '--out', s.out, '--no-report'], { env: { REDIS_URL: redis.url } });
    // The first progress line comes a second into the measured phase, before the deploy at 1.5 s:
    // the scan below then sees the old generation too (at 300 ms a quiet machine had already
    // retired it by then, and only the three new pids were left to see).
    await running.stderrMatches(/measure/);
    // The deploy is under way once a new replica (id 2 or later) is connected to Redis: it preloads next.
    const client = await redis.client();
    const seen = new Set<number>();
    let deploying = false;
    // Until the deploy is under way and every process is seen: on a loaded machine a child can show
    // in /proc a moment before its command line names the replica entry.
    for (let i = 0; i < 400 && !(deploying && seen.size >= 5); i++) {
      for (const pid of replicaChildren(running.child.pid!)) seen.add(pid);
      deploying ||= /name=fcbench-replica-[2-9]/.test((await client.call('CLIENT', 'LIST')) as string);
      if (!(deploying && seen.size >= 5)) await new Promise((r) => setTimeout(r, 10));
    }
    expect(deploying).toBe(true);
    for (const pid of replicaChildren(running.child.pid!)) seen.add(pid);
    // Two serving and three for the deploy (forked ahead of it, idle until it came).
    expect(seen.size).toBe(5);
    running.child.kill('SIGINT');
    const done = await running.done;
    expect(done.code).toBe(130);
    const [result] = readResultFiles(s.out) as [ResultDocument];
    expect(result.partial).toBe(true);
    expect(result.serving.replicas.length).toBeGreaterThanOrEqual(2);
    for (const pid of seen) expect(alive(pid), `replica pid ${pid}`).toBe(false);
  });
});
