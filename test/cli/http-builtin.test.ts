import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countByPrefix, deleteByPrefix } from '../../src/redis/cleanup.js';
import type { ResultDocument } from '../../src/results/result-types.js';
import { alive, replicaChildren } from '../helpers/processes.js';
import { usePrivateRedis } from '../helpers/redis.js';
import { readResultFiles, useBuiltCli, writeScenario } from './cli-helpers.js';

/**
 * `load.mode: http` with builtin replicas, through the spawned CLI: real replica processes on
 * port 0 sharing one private Redis, driven over HTTP.
 */
const cli = useBuiltCli();
const redis = usePrivateRedis();

function scenario(load: string, extra = ''): { dir: string; file: string; out: string } {
  const { dir, file } = writeScenario('fcb-http-', `name: http-test
seed: 5
warmup: 0s
keys: { entities: 5000, distribution: { kind: zipf, exponent: 1.2 } }
cascade:
  replicas: 2
  routing: round-robin
  local: { maxEntries: 2000 }
  redis: { keyPrefix: fcb-http-test }
  source: { kind: simulated, latency: { fixed: 1ms } }
metrics: { mrc: false }
${load}
${extra}`);
  return { dir, file, out: join(dir, 'out') };
}

describe('fcbench run, load.mode http, builtin replicas', () => {
  it('shared layout: the replicas read what fcbench warm wrote under the prefix as given, and nothing is deleted', async () => {
    const s = scenario('load: { mode: http, driver: open, rate: 800, requests: 400, connections: 4 }', '');
    const manifest = join(s.dir, 'all.manifest');
    expect((await cli.run(['manifest', s.file, '--top', '5000', '--out', manifest])).code).toBe(0);
    const warm = await cli.run(['warm', manifest, '--scenario', s.file, '--redis', redis.url, '--set', 'cascade.redis.shared=true', '--quiet']);
    expect(warm.code, warm.stderr).toBe(0);
    const client = await redis.client();
    expect(await countByPrefix(client, 'fcb-http-test')).toBe(5000);
    const run = await cli.run(['run', s.file, '--out', s.out, '--no-report', '--quiet', '--set', 'cascade.redis.shared=true'], { env: { REDIS_URL: redis.url } });
    expect(run.code, run.stderr).toBe(0);
    const [result] = readResultFiles(s.out) as [ResultDocument];
    expect(result.redis.keyPrefix).toBe('fcb-http-test');
    // Every key was warmed: nothing on the request path reaches the source.
    expect(result.tiers.source.calls).toBe(0);
    expect(result.tiers.redis.hits).toBeGreaterThan(0);
    expect(result.redis.cleanup).toEqual({ status: 'skipped', reason: 'shared layout over HTTP: the replica processes do not report the keys they wrote, so none are deleted' });
    expect(await countByPrefix(client, 'fcb-http-test')).toBe(5000);
    await deleteByPrefix(client, 'fcb-http-test');
  });

  it('two replica processes both serve: distinct pids, requests that add up, HTTP slower than the local tier inside', async () => {
    const s = scenario(
      'load: { mode: http, driver: open, rate: 800, requests: 600, connections: 4 }',
      'events: [{ at: 200ms, kind: expire-hot, top: 5 }, { at: 400ms, kind: flush-local }]',
    );
    const run = await cli.run(['run', s.file, '--out', s.out, '--no-report', '--quiet'], { env: { REDIS_URL: redis.url } });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [result] = readResultFiles(s.out) as [ResultDocument];
    expect(result.serving.mode).toBe('http');
    const replicas = result.serving.replicas;
    expect(replicas).toHaveLength(2);
    expect(new Set(replicas.map((r) => r.pid)).size).toBe(2);
    for (const r of replicas) {
      expect(r.pid).not.toBe(0);
      expect(r.requests).toBeGreaterThan(0);
      expect(r.served).toBe(r.requests);
    }
    expect(replicas[0]!.requests + replicas[1]!.requests).toBe(result.requests.total);
    expect(result.requests.total).toBe(600);
    expect(result.requests.errors).toBe(0);
    // The per-tier fields are filled from Server-Timing, as in-process.
    const http = result.serving.http!;
    expect(http.serverTiming).toEqual({ withHeader: 600, absent: 0, malformed: 0 });
    expect(http.statusCodes).toEqual({ '200': 600 });
    expect(result.latency.byTier.local.count + result.latency.byTier.redis.count + result.latency.byTier.source.count).toBe(600);
    expect(result.tiers.local.hits).toBe(result.latency.byTier.local.count);
    expect(replicas[0]!.localHits + replicas[1]!.localHits).toBe(result.tiers.local.hits);
    expect(result.latency.components.sourceFetch.count).toBeGreaterThan(0);
    // The replicas' own histograms: local hits inside a replica, without HTTP in front.
    const inside = http.inReplica!;
    expect(inside.replicasRead).toBe(2);
    expect(inside.latency.byTier.local.count).toBe(inside.tiers.localHits);
    expect(inside.tiers.localHits).toBe(result.tiers.local.hits);
    expect(result.latency.endToEnd.p50).toBeGreaterThan(inside.latency.byTier.local.p50);
    expect(result.latency.byTier.local.p50).toBeGreaterThan(inside.latency.byTier.local.p50);
    expect(result.load.http).toMatchObject({ driver: 'open', routing: 'per-request', connections: 4 });
    expect(result.load.model).toBe('open');
    // Events reach the replica processes: expire-hot through Redis and every local tier, flush-local everywhere.
    expect(result.events.map((e) => [e.kind, e['error']])).toEqual([['expire-hot', undefined], ['flush-local', undefined]]);
    expect(result.events[0]!['keys']).toBe(5);
    expect(result.stampede.expiries.some((e) => e.cause === 'event' && e.keys === 5)).toBe(true);
    // Every replica stopped with the run.
    for (const r of replicas) expect(alive(r.pid)).toBe(false);
  });

  it('autocannon fills the same fields and says it is a closed loop', async () => {
    const s = scenario('load: { mode: http, driver: autocannon, connections: 2, requests: 400 }');
    const run = await cli.run(['run', s.file, '--out', s.out, '--no-report', '--quiet'], { env: { REDIS_URL: redis.url } });
    expect(run.code).toBe(0);
    const [result] = readResultFiles(s.out) as [ResultDocument];
    expect(result.load.model).toBe('closed');
    expect(result.load.http!.note).toMatch(/closed loop/);
    expect(result.requests.total).toBeGreaterThanOrEqual(400);
    expect(result.serving.replicas.every((r) => r.requests > 0)).toBe(true);
    expect(result.serving.http!.serverTiming.withHeader).toBe(result.requests.total);
    expect(result.tiers.local.hits).toBeGreaterThan(0);
  });

  it('a replica killed mid-run shows as errors with its pid, and the run ends on time', async () => {
    const s = scenario('load: { mode: http, driver: open, rate: 400, connections: 4 }', 'duration: 4s\nevents: [{ at: 3500ms, kind: flush-local }]');
    const running = cli.start(['run', s.file, '--out', s.out, '--no-report'], { env: { REDIS_URL: redis.url } });
    await running.stderrMatches(/measure/);
    const [victim] = replicaChildren(running.child.pid!);
    expect(victim).toBeDefined();
    process.kill(victim!, 'SIGKILL');
    const done = await running.done;
    expect(done.code).toBe(0);
    const [result] = readResultFiles(s.out) as [ResultDocument];
    const dead = result.serving.replicas.find((r) => r.pid === victim)!;
    expect(dead.exit).toMatchObject({ signal: 'SIGKILL' });
    expect(dead.errors).toBeGreaterThan(0);
    expect(result.requests.errors).toBe(dead.errors);
    const kinds = Object.keys(result.requests.errorsByKind);
    expect(kinds.every((k) => ['connect-refused', 'connection-reset'].includes(k))).toBe(true);
    // The other replica kept serving and was read at the end.
    const other = result.serving.replicas.find((r) => r.pid !== victim)!;
    expect(other.errors).toBe(0);
    expect(other.served).toBeGreaterThan(0);
    expect(result.serving.http!.inReplica!.replicasRead).toBe(1);
    // An event after the death reached the live replica and is reported as missing the dead one.
    expect(result.serving.http!.eventsUnreached).toEqual([expect.objectContaining({ event: 'flush-local', replica: dead.id })]);
  });

  it('no process is left after SIGINT: partial result written, every replica stopped', async () => {
    const s = scenario('load: { mode: http, driver: autocannon, connections: 2 }', 'duration: 30s');
    const running = cli.start(['run', s.file, '--out', s.out, '--no-report'], { env: { REDIS_URL: redis.url } });
    await running.stderrMatches(/measure/);
    const pids = replicaChildren(running.child.pid!);
    expect(pids).toHaveLength(2);
    running.child.kill('SIGINT');
    const done = await running.done;
    expect(done.code).toBe(130);
    const [result] = readResultFiles(s.out) as [ResultDocument];
    expect(result.partial).toBe(true);
    expect(result.serving.replicas.map((r) => r.pid).sort()).toEqual([...pids].sort());
    expect(result.requests.total).toBeGreaterThan(0);
    for (const pid of pids) expect(alive(pid)).toBe(false);
  });

  it('a runner killed outright (SIGKILL, no cleanup code runs) leaves no replica behind: they watch their IPC channel', async () => {
    const s = scenario('load: { mode: http, driver: open, rate: 200, connections: 2 }', 'duration: 30s');
    const running = cli.start(['run', s.file, '--out', s.out, '--no-report'], { env: { REDIS_URL: redis.url } });
    await running.stderrMatches(/measure/);
    const pids = replicaChildren(running.child.pid!);
    expect(pids).toHaveLength(2);
    running.child.kill('SIGKILL');
    await running.done;
    // Bounded wait for the children to notice (a disconnect event, normally within milliseconds).
    for (let i = 0; i < 100 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 50));
    expect(pids.filter(alive)).toEqual([]);
  });
});
