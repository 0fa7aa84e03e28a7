import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countByPrefix } from '../../src/redis/cleanup.js';
import type { ResultDocument } from '../../src/results/result-types.js';
import { usePrivateRedis } from '../helpers/redis.js';
import { buildCli, readResultFiles, REPO_ROOT, useBuiltCli, writeScenario } from './cli-helpers.js';

const cli = useBuiltCli();
const redis = usePrivateRedis();

function scenarioFile(extra: string): { dir: string; file: string } {
  const { dir, file } = writeScenario('fcb-run-', `name: run-test
seed: 5
duration: 2s
keys: { entities: 2000, distribution: { kind: zipf, exponent: 1.1 } }
cascade:
  replicas: 2
  local: { maxEntries: 200 }
  source: { kind: simulated, latency: { fixed: 1ms } }
${extra}`);
  return { dir, file };
}

/** The result documents written under `<dir>/results`. */
const results = (dir: string): ResultDocument[] => readResultFiles(join(dir, 'results'));

describe('fcbench run (spawned CLI against a private Redis)', () => {
  it('writes a result and a report, and exits 1 after writing when a threshold fails', async () => {
    const { dir, file } = scenarioFile(`load: { mode: closed, concurrency: 4, requests: 2000 }
thresholds: { "latency.endToEnd.p99": "< 1us", "requests.total": "== 2000" }`);
    const out = await cli.run(['run', file, '--out', join(dir, 'results'), '--report', join(dir, 'reports'), '--quiet'], {
      env: { REDIS_URL: redis.url },
    });
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/result: .*run-test-\d{8}T\d{6}Z\.json/);
    expect(out.stdout).toMatch(/report: .*\.html/);
    const [result] = results(dir);
    expect(result!.requests.total).toBe(2000);
    expect(result!.thresholds.map((t) => [t.metric, t.passed])).toEqual([
      ['latency.endToEnd.p99', false],
      ['requests.total', true],
    ]);
    expect(readdirSync(join(dir, 'reports')).filter((f) => f.endsWith('.html'))).toHaveLength(1);
    expect(await countByPrefix(await redis.client(), result!.redis.keyPrefix)).toBe(0);
  });

  it('the same seed gives the same hit counts with concurrency 1', async () => {
    const { file } = scenarioFile('load: { mode: closed, concurrency: 1, requests: 3000 }');
    const once = async () => {
      const out = await cli.run(['run', file, '--json', '--no-report', '--out', mkdtempSync(join(tmpdir(), 'fcb-out-'))], {
        env: { REDIS_URL: redis.url },
      });
      expect(out.code).toBe(0);
      const r = JSON.parse(out.stdout) as ResultDocument;
      return [r.tiers.local.hits, r.tiers.redis.hits, r.tiers.redis.lookups, r.tiers.source.calls, r.requests.total];
    };
    const first = await once();
    expect(first[4]).toBe(3000);
    expect(await once()).toEqual(first);
  });

  it('a bad --set exits 2 with one line naming the flag and the field', async () => {
    const { file } = scenarioFile('load: { mode: closed, concurrency: 1, requests: 10 }');
    const out = await cli.run(['run', file, '--set', 'cascade.replicas=abc']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('--set cascade.replicas=abc');
    expect(out.stderr).toContain('cascade.replicas');
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });

  it('an unreachable Redis exits 3 naming the URL', async () => {
    const { file } = scenarioFile('load: { mode: closed, concurrency: 1, requests: 10 }');
    const out = await cli.run(['run', file, '--no-report', '--redis', 'redis://127.0.0.1:1']);
    expect(out.code).toBe(3);
    expect(out.stderr).toContain('redis://127.0.0.1:1');
  });

  it('SIGINT writes a partial result, leaves no keys under the prefix and exits 130', async () => {
    const { dir, file } = scenarioFile('load: { mode: open, rate: 500 }');
    const { mainJs, cleanup } = await buildCli();
    try {
      const child = spawn(process.execPath, [mainJs, 'run', file, '--duration', '60s', '--no-report', '--out', join(dir, 'results')], {
        cwd: REPO_ROOT,
        env: { PATH: process.env['PATH'] ?? '', REDIS_URL: redis.url },
      });
      let stderr = '';
      const code = await new Promise<number | null>((resolve) => {
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
          stderr += chunk;
          if (/measure\s+2s/.test(stderr) && !child.killed) child.kill('SIGINT');
        });
        child.on('close', resolve);
      });
      expect(code).toBe(130);
      const [result] = results(dir);
      expect(result!.partial).toBe(true);
      expect(result!.requests.total).toBeGreaterThan(0);
      expect(result!.durationMs).toBeLessThan(60_000);
      expect(await countByPrefix(await redis.client(), result!.redis.keyPrefix)).toBe(0);
    } finally {
      cleanup();
    }
  });
});
