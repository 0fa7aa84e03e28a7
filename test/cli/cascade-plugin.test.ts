import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { usePrivateRedis } from '../helpers/redis.js';
import { readResultFiles, REPO_ROOT, useBuiltCli, writeScenario } from './cli-helpers.js';

/**
 * cascade.implementation with a plugin module, through the spawned CLI: the shipped example runs
 * and its figures add up against what Redis itself counted; bad modules are one line, exit 2.
 */
const cli = useBuiltCli();
const redis = usePrivateRedis();
const EXAMPLE = join(REPO_ROOT, 'examples/cascade-plugin/map-ioredis.js');

function scenario(implementation: string, extra = ''): { dir: string; file: string } {
  const { dir, file } = writeScenario('fcb-plugin-', `name: plugin
seed: 5
warmup: 0s
keys: { entities: 3000, distribution: { kind: zipf, exponent: 1.1 } }
featureSets:
  - { name: user, payload: { floats: 4, ints: 1, strings: 1 }, ttl: { hard: 1m } }
cascade:
  implementation: ${JSON.stringify(implementation)}
  local: { maxEntries: 300 }
  source: { kind: simulated, latency: { fixed: 1ms } }
load: { mode: closed, concurrency: 4, requests: 1500 }
${extra}`);
  return { dir, file };
}

function module(dir: string, name: string, source: string): string {
  const path = join(dir, name);
  writeFileSync(path, source);
  return path;
}

async function run(file: string, dir: string) {
  return cli.run(['run', file, '--redis', redis.url, '--out', join(dir, 'results'), '--no-report', '--quiet']);
}

describe('cascade.implementation: a plugin module', () => {
  it('runs the example plugin; its reported tiers agree with the commands Redis counted, and what it cannot report is null', async () => {
    const { dir, file } = scenario(EXAMPLE, 'events:\n  - { at: 0s, kind: expire-hot, top: 10 }\n');
    const out = await run(file, dir);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const [result] = readResultFiles(join(dir, 'results'));
    const { tiers, requests } = result!;
    expect(result!.implementation).toMatchObject({ name: EXAMPLE, library: { name: 'map-ioredis example' }, reported: { tier: true, stale: true } });
    expect(requests.total).toBe(1500);
    expect(requests.errors).toBe(0);
    // Every request looked in the Map; each miss there is one GET, each fill one SET (Redis' own count).
    expect(tiers.local.lookups).toBe(1500);
    expect(tiers.redis.lookups).toBe(tiers.local.lookups - tiers.local.hits);
    expect(result!.redis.commands?.['get']).toBe(tiers.redis.lookups);
    expect(result!.redis.commands?.['set']).toBe(tiers.source.calls);
    expect(tiers.source.calls).toBe(tiers.redis.lookups - tiers.redis.hits);
    expect(tiers.source.calls).toBeGreaterThan(0);
    // The expire-hot event went through the plugin's delete: one DEL per key.
    expect(result!.redis.commands?.['del']).toBe(10);
    expect(result!.stampede.expiries.find((e) => e.cause === 'event')?.keys).toBe(10);
    // Inside the library: null and listed, never 0.
    expect(result!.payload.rawBytes).toBeNull();
    expect(result!.latency.components.redisGet).toBeNull();
    expect(result!.implementation!.notReported).toEqual(expect.arrayContaining(['payload.rawBytes', 'latency.components.redisGet', 'freshness.age']));
    expect(result!.capacity).toBeUndefined();
  });

  it('is the complete example module docs/cascade-plugins.md shows', () => {
    expect(readFileSync(join(REPO_ROOT, 'docs/cascade-plugins.md'), 'utf8')).toContain(readFileSync(EXAMPLE, 'utf8'));
  });

  it('counts a plugin that throws in get as implementation-error, not a crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fcb-plugin-'));
    const path = module(dir, 'flaky.js', `let n = 0;
export function createCascade({ source }) {
  return { get(entity, set, status) { if (++n % 3 === 0) throw new Error('flaky'); status.tier = 'source'; return source.fetch(entity, set); }, close() {} };
}
`);
    const { file } = scenario(path);
    const out = await run(file, dir);
    expect(out.code).toBe(0);
    const [result] = readResultFiles(join(dir, 'results'));
    expect(result!.requests.errorsByKind['implementation-error']).toBe(500);
    expect(result!.requests.ok).toBe(1000);
    // It never said whether a value was stale: those figures are null.
    expect(result!.implementation!.reported).toEqual({ tier: true, stale: false });
    expect(result!.freshness.staleServed).toBeNull();
  });
});

describe('cascade.implementation: bad input is one line naming the scenario field, exit 2', () => {
  const expectOneLine = (out: { code: number | null; stderr: string }, file: string, message: RegExp) => {
    expect(out.code).toBe(2);
    const lines = out.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^fcbench: ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:8:\\d+: cascade\\.implementation: `));
    expect(lines[0]).toMatch(message);
    expect(out.stderr).not.toMatch(/\n\s+at /);
  };

  it('a module path that does not exist (found by validate too)', async () => {
    const { dir, file } = scenario('./missing-plugin.js');
    expectOneLine(await run(file, dir), file, /module not found: .*missing-plugin\.js/);
    expectOneLine(await cli.run(['validate', file]), file, /module not found/);
  });

  it('a module without a createCascade export', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fcb-plugin-'));
    const path = module(dir, 'no-factory.js', 'export const cache = {};\n');
    const { file } = scenario(path);
    expectOneLine(await run(file, dir), file, /exports no createCascade function .*it exports cache/);
  });

  it('a factory that throws, and one that returns no get', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fcb-plugin-'));
    const throwing = module(dir, 'throws.js', "export function createCascade() { throw new Error('no config for you'); }\n");
    const first = scenario(throwing);
    expectOneLine(await run(first.file, dir), first.file, /the factory of .*throws\.js threw: no config for you$/);
    const empty = module(dir, 'empty.js', 'export default () => ({ close() {} });\n');
    const second = scenario(empty);
    expectOneLine(await run(second.file, dir), second.file, /returned no get\(entity, featureSet\) function/);
  });

  it('a module that cannot load, an unknown name, and an event the plugin cannot serve', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fcb-plugin-'));
    const broken = module(dir, 'broken.js', 'export function createCascade( {\n');
    const first = scenario(broken);
    expectOneLine(await run(first.file, dir), first.file, /cannot load .*broken\.js: /);
    const second = scenario('bentocach');
    expectOneLine(await run(second.file, dir), second.file, /expected fcbench, bentocache, cache-manager or a path/);
    const noDelete = module(dir, 'no-delete.js', "export function createCascade({ source }) { return { get: (e, s) => source.fetch(e, s), close() {} }; }\n");
    const third = scenario(noDelete, 'events:\n  - { at: 0s, kind: expire-hot, top: 5 }\n');
    expectOneLine(await run(third.file, dir), third.file, /has no delete\(\) method, which the expire-hot event \(events\[0\]\) needs/);
  });
});
