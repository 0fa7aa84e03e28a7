import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { countByPrefix } from '../../src/redis/cleanup.js';
import type { ResultDocument } from '../../src/results/result-types.js';
import { usePrivateRedis } from '../helpers/redis.js';
import { useBuiltCli, writeScenario } from './cli-helpers.js';

/**
 * The edges of `fcbench run` through the spawned CLI: output paths checked before any load,
 * a full disk at the end, SIGTERM like Ctrl-C, and a second signal.
 */
const cli = useBuiltCli();
const redis = usePrivateRedis();

const mounts: string[] = [];
afterAll(() => {
  for (const dir of mounts) spawnSync('umount', ['-l', dir]);
});

/** A small tmpfs (root only): a real full disk or a real read-only file system, not a simulated one. */
function mountTmpfs(options: string): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'fcb-mnt-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]).status === 0;
  if (!mounted) return null;
  mounts.push(dir);
  return dir;
}
const canMount = (() => {
  const dir = mountTmpfs('size=4k');
  return dir !== null;
})();
const isRoot = process.getuid?.() === 0;

function scenario(extra = ''): { dir: string; file: string } {
  const { dir, file } = writeScenario('fcb-edges-', `name: edges
seed: 3
warmup: 0s
keys: { entities: 2000, distribution: { kind: zipf, exponent: 1.1 } }
cascade:
  replicas: 1
  local: { maxEntries: 100 }
  redis: { keyPrefix: fcb-edges }
  source: { kind: simulated, latency: { fixed: 1ms } }
${extra || 'load: { mode: closed, concurrency: 2, requests: 300 }'}`);
  return { dir, file };
}

/** Nothing listens on port 1: a run that got as far as Redis would exit 3, not 2. */
const DEAD_REDIS = ['--redis', 'redis://127.0.0.1:1'];

describe('fcbench run: output paths are checked before any load', () => {
  it('--out with a file in the way: exit 2, one line naming the flag, before Redis is touched', async () => {
    const { dir, file } = scenario();
    writeFileSync(join(dir, 'taken'), 'not a directory');
    const out = await cli.run(['run', file, '--out', join(dir, 'taken'), '--report', join(dir, 'reports'), ...DEAD_REDIS]);
    expect(out.code).toBe(2);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
    expect(out.stderr).toContain(`--out ${join(dir, 'taken')}`);
    expect(out.stderr).toContain('a file is in the way');
    expect(readFileSync(join(dir, 'taken'), 'utf8')).toBe('not a directory');
  });

  it('--report under a file: exit 2 naming --report', async () => {
    const { dir, file } = scenario();
    writeFileSync(join(dir, 'file'), '');
    const out = await cli.run(['run', file, '--out', join(dir, 'results'), '--report', join(dir, 'file', 'reports'), ...DEAD_REDIS]);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^fcbench: --report .*file\/reports: cannot create the directory: (ENOTDIR|EEXIST)/);
  });

  it.skipIf(!isRoot && !canMount)('--out under a read-only parent: exit 2 naming --out', async () => {
    const { dir, file } = scenario();
    let readOnly: string;
    if (isRoot) {
      // chmod does not stop root: a read-only file system does.
      const mounted = mountTmpfs('ro,size=64k');
      if (mounted === null) return;
      readOnly = mounted;
    } else {
      readOnly = join(dir, 'ro');
      mkdirSync(readOnly);
      chmodSync(readOnly, 0o555);
    }
    const out = await cli.run(['run', file, '--out', join(readOnly, 'results'), '--no-report', ...DEAD_REDIS]);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^fcbench: --out .*results: cannot create the directory: (EROFS|EACCES)/);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('fcbench run: a write that fails at the end', () => {
  it.skipIf(!canMount)('disk full: nothing half-written, the result is rescued to the temp dir, exit 3 names the path and errno', async () => {
    const full = mountTmpfs('size=4k');
    if (full === null) return;
    const { dir, file } = scenario();
    const temp = mkdtempSync(join(tmpdir(), 'fcb-tmpdir-'));
    const out = await cli.run(['run', file, '--out', full, '--report', join(dir, 'reports'), '--quiet'], {
      env: { REDIS_URL: redis.url, TMPDIR: temp },
    });
    expect(out.code).toBe(3);
    expect(out.stderr).toMatch(new RegExp(`could not write the (result|output) to ${full}/edges-\\d{8}T\\d{6}Z\\.json: ENOSPC`));
    // No half-written file or temp file left where the result should have gone.
    expect(readdirSync(full)).toEqual([]);
    const rescued = readdirSync(join(temp, 'fcbench-rescued'));
    expect(rescued).toHaveLength(1);
    const result = JSON.parse(readFileSync(join(temp, 'fcbench-rescued', rescued[0]!), 'utf8')) as ResultDocument;
    expect(result.requests.total).toBe(300);
    expect(out.stderr).toContain(join(temp, 'fcbench-rescued', rescued[0]!));
    // The report was still written where asked.
    expect(readdirSync(join(dir, 'reports')).filter((f) => f.endsWith('.html'))).toHaveLength(1);
  });
});

describe('fcbench run: signals', () => {
  it('SIGTERM behaves like Ctrl-C: partial result written, keys deleted, exit 130', async () => {
    const { dir, file } = scenario('duration: 30s\nload: { mode: open, rate: 300 }');
    const run = cli.start(['run', file, '--out', join(dir, 'results'), '--report', join(dir, 'reports')], { env: { REDIS_URL: redis.url } });
    await run.stderrMatches(/measure\s+1s/);
    run.child.kill('SIGTERM');
    const out = await run.done;
    expect(out.code).toBe(130);
    expect(out.stderr).toContain('interrupted (SIGTERM)');
    const files = readdirSync(join(dir, 'results')).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(1);
    const result = JSON.parse(readFileSync(join(dir, 'results', files[0]!), 'utf8')) as ResultDocument;
    expect(result.partial).toBe(true);
    expect(result.requests.total).toBeGreaterThan(0);
    expect(result.durationMs).toBeLessThan(30_000);
    expect(result.redis.cleanup?.status).toBe('deleted');
    expect(await countByPrefix(await redis.client(), result.redis.keyPrefix)).toBe(0);
    expect(readdirSync(join(dir, 'reports')).filter((f) => f.endsWith('.html'))).toHaveLength(1);
  });

  it('a second signal exits at once and names what was already written', async () => {
    // Two variants; the source is slow, so stopping the second one cleanly takes a while.
    const { dir, file } = scenario(`duration: 2s
load: { mode: open, rate: 200 }
matrix: { cascade.replicas: [1, 2] }`);
    writeFileSync(file, readFileSync(file, 'utf8').replace('latency: { fixed: 1ms }', 'latency: { fixed: 500ms }'));
    const run = cli.start(['run', file, '--out', join(dir, 'results'), '--no-report'], { env: { REDIS_URL: redis.url } });
    await run.stderrMatches(/\[2\/2\] running/);
    run.child.kill('SIGTERM');
    await run.stderrMatches(/interrupted \(SIGTERM\)/);
    run.child.kill('SIGINT');
    const out = await run.done;
    expect(out.code).toBe(130);
    const written = readdirSync(join(dir, 'results')).filter((f) => f.endsWith('.json'));
    expect(written).toHaveLength(1);
    expect(out.stderr).toContain(`stopped at once by a second SIGINT; already written: ${join(dir, 'results', written[0]!)}`);
  });
});
