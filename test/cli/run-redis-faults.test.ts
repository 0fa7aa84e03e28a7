import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { countByPrefix } from '../../src/redis/cleanup.js';
import { connectRedis } from '../../src/redis/connect.js';
import { startPrivateRedis, type PrivateRedis } from '../../src/redis/private-server.js';
import type { ResultDocument } from '../../src/results/result-types.js';
import { readResultFiles, useBuiltCli, writeScenario } from './cli-helpers.js';

/**
 * Redis faults in the middle of a real `fcbench run` (spawned CLI, real redis-servers): the run
 * finishes its schedule, the result is written, the counts say what happened, and the exit code
 * is 0. The test acts when the CLI's own progress lines say the measured phase has reached a
 * second, so nothing here depends on how fast the machine is.
 */
const cli = useBuiltCli();
const servers: PrivateRedis[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
});

async function server(): Promise<PrivateRedis> {
  const s = await startPrivateRedis();
  servers.push(s);
  return s;
}

function scenario(extra: string, source = '{ kind: simulated, latency: { fixed: 1ms } }'): { dir: string; file: string } {
  const { dir, file } = writeScenario('fcb-faults-', `name: faults
seed: 9
warmup: 500ms
keys: { entities: 5000, distribution: { kind: zipf, exponent: 1.1 } }
cascade:
  replicas: 2
  local: { maxEntries: 200, ttl: 1s }
  redis: { commandTimeout: 150ms, connectTimeout: 1s }
  source: ${source}
load: { mode: open, rate: 400, arrivals: constant }
${extra}`);
  return { dir, file };
}

/** The result documents written under `<dir>/results`. */
const results = (dir: string): ResultDocument[] => readResultFiles(join(dir, 'results'));

const args = (file: string, dir: string) => ['run', file, '--out', join(dir, 'results'), '--report', join(dir, 'reports')];
/** The progress line of the measured phase at `n` seconds (non-interactive: one line each). */
const measuredSecond = (n: number) => new RegExp(`measure\\s+${n}s`);

describe.concurrent('fcbench run when Redis fails mid-run', () => {
  for (const policy of ['serve-stale', 'bypass', 'fail-closed'] as const) {
    it(`Redis killed mid-run (${policy}): the schedule finishes, the result is written, exit 0`, async () => {
      const redis = await server();
      const { dir, file } = scenario(`duration: 4s\nfailurePolicy: ${policy}`);
      const run = cli.start(args(file, dir), { env: { REDIS_URL: redis.url } });
      await run.stderrMatches(measuredSecond(1));
      await redis.kill();
      const out = await run.done;
      expect(out.stderr).not.toContain('internal error');
      expect(out.code).toBe(0);
      const [r] = results(dir);
      expect(r).toBeDefined();
      // The whole schedule ran: 4 s at 400/s, nothing dropped, every request accounted for.
      expect(r!.requests.total).toBeGreaterThanOrEqual(1550);
      expect(r!.load.dropped).toBe(0);
      const redisErrors = r!.requests.errorsByKind['redis-error'] ?? 0;
      expect(redisErrors).toBeGreaterThan(0);
      expect(r!.tiers.redis.errors).toBeGreaterThan(0);
      expect(r!.timeline.some((b) => b.errors > 0)).toBe(true);
      expect(r!.timeline[0]!.errors).toBe(0);
      expect(r!.redis.unavailableAtEnd).toBe(true);
      expect(r!.redis.usedMemoryAfter).toBeNull();
      expect(r!.redis.keys).toBeNull();
      expect(r!.redis.cleanup?.status).toBe('skipped');
      // What each policy does with a dead Redis: bypass goes to the source, fail-closed fails.
      if (policy === 'bypass') expect(r!.requests.errors).toBe(0);
      if (policy === 'fail-closed') expect(r!.requests.errors).toBeGreaterThan(0);
      expect(out.stderr).toContain('Redis unavailable at the end');
      expect(readdirSync(join(dir, 'reports')).filter((f) => f.endsWith('.html'))).toHaveLength(1);
    });
  }

  it('Redis restarted mid-run: the timeline shows the error window, then hits resume', async () => {
    const redis = await server();
    const { dir, file } = scenario('duration: 6s\nfailurePolicy: bypass');
    const run = cli.start(args(file, dir), { env: { REDIS_URL: redis.url } });
    await run.stderrMatches(measuredSecond(1));
    await redis.kill();
    await run.stderrMatches(measuredSecond(3));
    await redis.restart();
    const out = await run.done;
    expect(out.code).toBe(0);
    const [r] = results(dir);
    const buckets = r!.timeline;
    const firstError = buckets.findIndex((b) => b.errors > 0);
    expect(firstError).toBeGreaterThan(0);
    const lastError = buckets.findLastIndex((b) => b.errors > 0);
    // Recovery: after the last second with errors, a second with Redis hits and no errors.
    const recovered = buckets.slice(lastError + 1).filter((b) => b.redisHits > 0 && b.errors === 0);
    expect(recovered.length).toBeGreaterThan(0);
    expect(buckets[firstError - 1]!.redisHits).toBeGreaterThan(0);
    expect(r!.redis.unavailableAtEnd).toBe(false);
    expect(r!.redis.cleanup).toEqual({ status: 'deleted', keys: expect.any(Number) });
    const client = await connectRedis(redis.url);
    try {
      expect(await countByPrefix(client, r!.redis.keyPrefix)).toBe(0);
    } finally {
      client.disconnect();
    }
  });

  it('Redis stalled past commandTimeout (CLIENT PAUSE): stalled commands count as redis-timeout under every policy, nothing hangs', async () => {
    // url auto with no REDIS_URL: fcbench starts its own redis-server, the only kind it pauses.
    const { dir, file } = scenario(`duration: 3s
events: [{ at: 1s, kind: redis-pause, for: 1s }]
matrix: { failurePolicy: [serve-stale, bypass, fail-closed] }`);
    const out = await cli.run([...args(file, dir), '--quiet']);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const byPolicy = new Map(results(dir).map((r) => [r.scenario.assignments!['failurePolicy'], r]));
    expect([...byPolicy.keys()].sort()).toEqual(['bypass', 'fail-closed', 'serve-stale']);
    for (const [policy, r] of byPolicy) {
      const timeouts = r.requests.errorsByKind['redis-timeout'] ?? 0;
      expect(timeouts, String(policy)).toBeGreaterThan(0);
      expect(r.timeline.some((b) => b.errors > 0)).toBe(true);
      expect(r.events.map((e) => e.kind)).toEqual(['redis-pause']);
      expect(r.redis.unavailableAtEnd).toBe(false);
      if (policy === 'bypass') expect(r.requests.errors).toBe(0);
      if (policy === 'fail-closed') expect(r.requests.errors).toBeGreaterThan(0);
    }
  });

  it('source errors and timeouts under each policy: counted by kind in the result', async () => {
    const redis = await server();
    const { dir, file } = scenario(
      'duration: 2s\nmatrix: { failurePolicy: [serve-stale, bypass, fail-closed] }',
      '{ kind: simulated, latency: { p50: 2ms, p99: 80ms }, timeout: 30ms, errorRate: 0.05 }',
    );
    const out = await cli.run([...args(file, dir), '--quiet'], { env: { REDIS_URL: redis.url } });
    expect(out.code).toBe(0);
    const all = results(dir);
    expect(all).toHaveLength(3);
    for (const r of all) {
      const label = String(r.scenario.assignments!['failurePolicy']);
      expect(r.requests.errorsByKind['source-error'] ?? 0, label).toBeGreaterThan(0);
      expect(r.requests.errorsByKind['source-timeout'] ?? 0, label).toBeGreaterThan(0);
      expect(r.tiers.source.errors, label).toBeGreaterThan(0);
      // A failed fetch with nothing held fails the request, whatever the policy.
      expect(r.requests.errors, label).toBeGreaterThan(0);
      expect(r.requests.ok + r.requests.errors).toBe(r.requests.total);
    }
  });
});
