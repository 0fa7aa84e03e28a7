import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import type { LatencySummary, ResultDocument } from '../../src/results/result-types.js';
import { readResultFiles, REPO_ROOT, useBuiltCli, writeScenario } from './cli-helpers.js';

/**
 * `load.target` set to a team's own service, through the spawned CLI: a Node stand-in service
 * (test/fixtures/http/stand-in-service.mjs) on port 0 plays the Python service of
 * docs/service-contract.md. No Redis is involved: the service is the system under test.
 */
const cli = useBuiltCli();
const services: ChildProcess[] = [];
afterEach(() => {
  for (const s of services.splice(0)) s.kill('SIGKILL');
});

async function startService(env: Record<string, string>): Promise<{ port: number; count(): Promise<{ served: number; authorized: number }> }> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'test/fixtures/http/stand-in-service.mjs')], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] });
  services.push(child);
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').once('data', (line: string) => resolve(Number(line.trim())));
    child.once('exit', () => reject(new Error('stand-in service exited')));
  });
  return { port, count: async () => (await (await fetch(`http://127.0.0.1:${port}/_count`)).json()) as { served: number; authorized: number } };
}

function scenario(load: string): { file: string; out: string } {
  const { dir, file } = writeScenario('fcb-http-ext-', `name: http-external
seed: 9
warmup: 0s
keys: { entities: 1000, distribution: { kind: zipf, exponent: 1.1 } }
metrics: { mrc: false }
${load}
`);
  return { file, out: join(dir, 'out') };
}

/** How many recorded values are at or above `thresholdMs` (from the encoded HDR histogram). */
function countAtLeast(summary: LatencySummary, thresholdMs: number): number {
  const h = decodeHistogram(summary.hdr);
  try {
    let lo = 0;
    let hi = 100;
    for (let i = 0; i < 50; i++) {
      const mid = (lo + hi) / 2;
      if (h.valueAtPercentileUs(mid) >= thresholdMs * 1000) hi = mid;
      else lo = mid;
    }
    return Math.round((h.count * (100 - hi)) / 100);
  } finally {
    h.destroy();
  }
}

describe('fcbench run, load.target: a team\'s own service', () => {
  it('refuses a non-loopback target without --allow-remote: exit 2, one line, before anything (not even Redis)', async () => {
    const s = scenario('load: { mode: http, target: "http://features.example.invalid:8080/features/{entity}?sets={sets}", driver: open, rate: 10 }');
    const run = await cli.run(['run', s.file, '--out', s.out, '--no-report', '--quiet', '--redis', 'redis://127.0.0.1:1']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/load\.target: http:\/\/features\.example\.invalid:8080\/.* is not a loopback address.*--allow-remote/);
    expect(readdirSync(s.out).filter((f) => f.endsWith('.json'))).toEqual([]);
  });

  it('run --help explains HTTP serving and --allow-remote', async () => {
    const help = await cli.run(['run', '--help']);
    expect(help.code).toBe(0);
    // Any column width: commander wraps the description where the longest option ends.
    expect(help.stdout).toMatch(/--allow-remote\s+load\.mode\s+http:\s+allow\s+a\s+load\.target\s+that\s+is\s+not\s+a\s+loopback\s+address/);
    expect(help.stdout).toMatch(/HTTP serving \(load\.mode: http[\s\S]*Server-Timing header \(docs\/service-contract\.md\)/);
  });

  it('a target without {entity} is a scenario error naming the field (exit 2)', async () => {
    const s = scenario('load: { mode: http, target: "http://127.0.0.1:8080/features" }');
    const run = await cli.run(['run', s.file, '--out', s.out, '--no-report']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/scenario\.yaml:6:\d+: load\.target: .*\{entity\}/);
  });

  it("the stand-in's Server-Timing fills per-tier histograms; load.headers are sent and redacted", async () => {
    const service = await startService({ MODE: 'timing', EXPECT_AUTH: 'Bearer s3cret-token-42' });
    const s = scenario(`load:
  mode: http
  target: "http://127.0.0.1:${service.port}/features/{entity}?sets={sets}"
  driver: open
  rate: 1000
  requests: 400
  headers: { Authorization: "Bearer \${API_TOKEN}", X-Team: "\${API_TOKEN}" }`);
    const run = await cli.run(['run', s.file, '--out', s.out, '--no-report', '--quiet'], { env: { API_TOKEN: 's3cret-token-42' } });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [result] = readResultFiles(s.out) as [ResultDocument];
    expect((await service.count()).authorized).toBe(400);
    expect(result.requests).toMatchObject({ total: 400, errors: 0 });
    const { local, redis, source } = result.latency.byTier;
    expect(local.count).toBeGreaterThan(0);
    expect(redis.count).toBeGreaterThan(0);
    expect(source.count).toBe(0);
    expect(local.count + redis.count).toBe(400);
    expect(result.tiers.local.hits).toBe(local.count);
    expect(result.tiers.redis.hits).toBe(redis.count);
    expect(result.latency.components.redisGet.count).toBe(redis.count);
    expect(result.latency.components.redisGet.p50).toBeCloseTo(0.21, 2);
    expect(result.serving.http!.serverTiming).toEqual({ withHeader: 400, absent: 0, malformed: 0 });
    expect(result.serving.replicas).toEqual([expect.objectContaining({ pid: 0, requests: 400 })]);
    expect(result.serving.http!.inReplica).toBeUndefined();
    const text = readFileSync(join(s.out, readdirSync(s.out)[0]!), 'utf8');
    expect(text).not.toContain('s3cret-token-42');
  });

  it('without Server-Timing only end-to-end latency and status codes are recorded, and the result says so; malformed headers are counted', async () => {
    const none = await startService({ MODE: 'none' });
    const bad = await startService({ MODE: 'malformed' });
    const results: ResultDocument[] = [];
    for (const port of [none.port, bad.port]) {
      const s = scenario(`load: { mode: http, target: "http://127.0.0.1:${port}/features/{entity}", driver: autocannon, connections: 2, requests: 200 }`);
      const run = await cli.run(['run', s.file, '--out', s.out, '--no-report', '--quiet']);
      expect(run.code).toBe(0);
      results.push(...readResultFiles(s.out));
    }
    for (const result of results) {
      expect(result.requests.total).toBeGreaterThanOrEqual(200);
      expect(result.latency.endToEnd.count).toBe(result.requests.total);
      expect(result.latency.byTier.local.count + result.latency.byTier.redis.count).toBe(0);
      expect(result.serving.http!.statusCodes['200']).toBe(result.requests.total);
      expect(result.serving.http!.note).toMatch(/no Server-Timing/);
    }
    expect(results[0]!.serving.http!.serverTiming.absent).toBe(results[0]!.requests.total);
    expect(results[1]!.serving.http!.serverTiming.malformed).toBe(results[1]!.requests.total);
  });

  it('a 300 ms stall: the open driver records it in its tail, autocannon\'s closed loop shows far fewer slow requests', async () => {
    const slow: number[] = [];
    for (const driver of ['open', 'autocannon']) {
      const service = await startService({ MODE: 'timing', STALL_AT: '150' });
      const load = driver === 'open' ? 'driver: open, rate: 400, requests: 600' : 'driver: autocannon, requests: 600';
      const s = scenario(`load: { mode: http, target: "http://127.0.0.1:${service.port}/features/{entity}", connections: 4, ${load} }`);
      const run = await cli.run(['run', s.file, '--out', s.out, '--no-report', '--quiet']);
      expect(run.code).toBe(0);
      const [result] = readResultFiles(s.out) as [ResultDocument];
      expect(result.requests.errors).toBe(0);
      slow.push(countAtLeast(result.latency.endToEnd, 100));
      if (driver === 'open') expect(countAtLeast(result.latency.endToEnd, 100)).toBeGreaterThan(result.requests.total / 100);
    }
    const [open, closed] = slow as [number, number];
    // At 400/s about 120 arrivals fall in the stall and each waits out part of it; the closed loop
    // had only its 4 connections' requests in flight, so only those few saw it.
    expect(closed).toBeLessThanOrEqual(16);
    expect(open).toBeGreaterThanOrEqual(30);
    expect(open).toBeGreaterThan(5 * Math.max(1, closed));
  });
});
