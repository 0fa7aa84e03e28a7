import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ResultDocument } from '../../src/results/result-types.js';
import { usePrivateRedis } from '../helpers/redis.js';
import { readResultFiles, useBuiltCli } from './cli-helpers.js';

const cli = useBuiltCli();
const redis = usePrivateRedis();

/** A small scenario both commands run: zipf traffic over 2 replicas, a local tier smaller than the hot set. */
const SCENARIO = `name: sim-cross
seed: 9
duration: 8s
warmup: 2s
keys: { entities: 5000, distribution: { kind: zipf, exponent: 1.0, scramble: true } }
featureSets:
  - { name: fs, version: v1, payload: { floats: 16, ints: 4, strings: 1 }, ttl: { hard: 10m, jitter: 0.1 } }
cascade:
  replicas: 2
  routing: random
  local: { maxEntries: 400, ttl: 30s }
  source: { kind: simulated, latency: { p50: 1ms, p99: 4ms }, concurrency: 64 }
stampede: { strategy: single-flight }
load: { mode: open, rate: 300, arrivals: poisson }
# No curves: the real run's curve worker is one more thread on two cores already busy with other
# test files, and every fill it stretches is a miss the simulation does not see.
metrics: { mrc: false }
events:
  - { at: 4s, kind: expire-hot, top: 20 }
`;

let dir = '';
let file = '';
let real: ResultDocument;
let realPath = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fcb-sim-cli-'));
  file = join(dir, 'scenario.yaml');
  writeFileSync(file, SCENARIO);
  const out = await cli.run(['run', file, '--out', join(dir, 'real'), '--no-report', '--quiet'], { env: { REDIS_URL: redis.url } });
  if (out.code !== 0) throw new Error(`fcbench run failed (${out.code}): ${out.stderr}`);
  realPath = join(dir, 'real', readdirSync(join(dir, 'real')).find((f) => f.endsWith('.json'))!);
  real = JSON.parse(readFileSync(realPath, 'utf8')) as ResultDocument;
}, 60_000);

async function simulate(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; results: ResultDocument[] }> {
  const out = mkdtempSync(join(dir, 'sim-'));
  const result = await cli.run(['simulate', file, '--out', out, '--report', join(out, 'reports'), '--quiet', ...args]);
  return { ...result, results: result.code === 0 ? readResultFiles(out) : [] };
}

describe('fcbench simulate (spawned CLI)', () => {
  it('matches a real run of the same scenario: hit ratios within 0.01, origin calls within 5%', async () => {
    // A low rate and the real run's own Redis latencies: a loaded machine stretches the real run's
    // fills, and every request that arrives during one is a miss the simulation does not see.
    const { code, results } = await simulate(['--latency-from', realPath]);
    expect(code).toBe(0);
    const [sim] = results;
    expect(sim!.load.mode).toBe('simulated');
    expect(sim!.simulation!.virtualDurationMs).toBeGreaterThan(8000);
    expect(sim!.env.redis).toBeUndefined();
    // The same arrival stream; a real run on a stalled machine may drop a few at its in-flight cap.
    expect(Math.abs(sim!.requests.total - real.requests.total)).toBeLessThanOrEqual(real.requests.total * 0.01);
    expect(Math.abs(sim!.tiers.local.hitRatio - real.tiers.local.hitRatio)).toBeLessThan(0.01);
    expect(Math.abs(sim!.tiers.redis.hitRatio - real.tiers.redis.hitRatio)).toBeLessThan(0.01);
    expect(Math.abs(sim!.tiers.source.calls - real.tiers.source.calls) / real.tiers.source.calls).toBeLessThan(0.05);
    expect(sim!.events.map((e) => [e.kind, e['keys']])).toEqual(real.events.map((e) => [e.kind, e['keys']]));
  });

  it('report and compare read a simulated result as they read a real one', async () => {
    const { results } = await simulate(['--seed', '9']);
    const simDir = mkdtempSync(join(dir, 'pair-'));
    const simPath = join(simDir, 'sim.json');
    writeFileSync(simPath, JSON.stringify(results[0]));
    const html = join(simDir, 'both.html');
    const report = await cli.run(['report', realPath, simPath, '--out', html]);
    expect(report.code).toBe(0);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('Simulated.');
    expect(page).toContain('none: simulated on virtual time');
    const same = await cli.run(['compare', simPath, simPath, '--format', 'json']);
    expect(same.code).toBe(0);
    const compared = await cli.run(['compare', realPath, simPath, '--format', 'md']);
    expect([0, 1]).toContain(compared.code);
    expect(compared.stdout).toMatch(/tiers\.local\.hitRatio|hit ratio/i);
  });

  it('--sweep runs the cartesian product as variants with one report; more local entries, higher local hit ratio', async () => {
    const out = mkdtempSync(join(dir, 'sweep-'));
    const run = await cli.run([
      'simulate', file, '--out', out, '--report', join(out, 'reports'), '--quiet',
      '--sweep', 'cascade.local.maxEntries=100,400,1600', '--sweep', 'featureSets.0.ttl.hard=1m,10m',
    ]);
    expect(run.code).toBe(0);
    const results = readResultFiles(out);
    expect(results).toHaveLength(6);
    expect(readdirSync(join(out, 'reports')).filter((f) => f.endsWith('.html'))).toHaveLength(1);
    const ratio = (entries: number) =>
      results.find((r) => r.scenario.variant === `cascade.local.maxEntries=${entries},featureSets.0.ttl.hard=10m`)!.tiers.local.hitRatio;
    expect(ratio(100)).toBeLessThan(ratio(400));
    expect(ratio(400)).toBeLessThan(ratio(1600));
  });

  it('--latency-from takes the Redis latencies of an earlier result', async () => {
    const { code, results } = await simulate(['--latency-from', realPath]);
    expect(code).toBe(0);
    expect(results[0]!.simulation!.latencyFrom).toBe(realPath);
  });

  it.each([
    ['a sweep path not in the schema', ['--sweep', 'cascade.local.maxEntriez=1,2'], /--sweep cascade\.local\.maxEntriez=1,2.*maxEntriez/],
    ['a sweep value that fails validation', ['--sweep', 'cascade.local.maxEntries=100,lots'], /--sweep cascade\.local\.maxEntries=100,lots.*maxEntries/],
    ['a sweep without values', ['--sweep', 'cascade.local.maxEntries'], /--sweep cascade\.local\.maxEntries.*path=v1,v2/],
    ['a missing --latency-from file', ['--latency-from', '/nonexistent/result.json'], /result\.json: no such file/],
    ['a --latency-from file that is not a result', ['--latency-from', '__SCENARIO__'], /not JSON|not an fcbench result/],
  ])('%s exits 2 with one line', async (_name, args, message) => {
    const run = await cli.run(['simulate', file, '--no-report', '--out', mkdtempSync(join(dir, 'bad-')), ...args.map((a) => (a === '__SCENARIO__' ? file : a))]);
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
