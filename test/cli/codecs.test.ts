import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CodecsResult } from '../../src/codec-lab/lab-types.js';
import { useBuiltCli } from './cli-helpers.js';

const cli = useBuiltCli();
const dir = mkdtempSync(join(tmpdir(), 'fcbench-codecs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
/** The shortest tinybench budget: these tests check behaviour, never speed. */
const QUICK = { FCBENCH_CODECS_TASK_MS: '1' };

describe('fcbench codecs: bad input is one line and exit 2', () => {
  it.each([
    [['--payload', 'nope'], /^fcbench: --payload nope: expected small, large or a scenario file \(\.yaml\)$/],
    [['--sizes', '256B,1XB'], /^fcbench: --sizes 256B,1XB: unknown size unit "XB"/],
    [['--bandwidth', 'fast'], /^fcbench: --bandwidth fast: expected a rate such as 10Gbit/],
    [['--redis', 'http://127.0.0.1:6379'], /^fcbench: --redis: unsupported scheme http:/],
  ])('%j', async (args, message) => {
    const result = await cli.run(['codecs', ...args, '--out', join(dir, 'bad'), '--no-report'], { env: QUICK });
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(result.stdout).toBe('');
  });
});

describe('fcbench codecs without any Redis reachable', () => {
  it('measures the codecs, omits the round-trip columns and says why (exit 0)', async () => {
    const out = join(dir, 'no-redis');
    const result = await cli.run(['codecs', '--payload', 'small', '--sizes', '1KB,4KB', '--redis', 'redis://127.0.0.1:1', '--out', out, '--report', join(dir, 'reports')], { env: QUICK });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^payload small \(sorted by end-to-end cost/);
    expect(result.stdout).not.toContain('SET+GET');
    expect(result.stdout).toMatch(/note: no Redis \(.*redis:\/\/127\.0\.0\.1:1.*\): round-trip and Redis-memory columns omitted/);
    expect(result.stdout).toMatch(/crossover: compress above/);
    expect(result.stdout).toMatch(/report: .*codecs-\d{8}T\d{6}Z\.html/);

    const files = readdirSync(out).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(1);
    const doc = JSON.parse(readFileSync(join(out, files[0]!), 'utf8')) as CodecsResult;
    expect(doc.kind).toBe('codecs');
    expect(doc.redis).toBeNull();
    expect(doc.codecs).toHaveLength(24 + 2 * 8);
    expect(doc.codecs.every((r) => r.roundTripUs === null && r.redisBytes === null)).toBe(true);
    expect(doc.crossover).toHaveLength(7);
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('with --redis auto, no REDIS_URL and no redis-server on PATH, too; --json prints the document, the paths go to stderr', async () => {
    const result = await cli.run(['codecs', '--payload', 'small', '--sizes', '1KB', '--out', join(dir, 'json'), '--no-report', '--json'], { env: { ...QUICK, PATH: '/nonexistent' } });
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as CodecsResult;
    expect(doc.redis).toBeNull();
    expect(doc.notes).toEqual([expect.stringMatching(/^no Redis \(.*redis-server.*\): round-trip and Redis-memory columns omitted/)]);
    expect(doc.codecs.filter((r) => r.payload === 'small')).toHaveLength(24);
    expect(result.stderr).toMatch(/^result: .*\.json\n$/);
  });
});
