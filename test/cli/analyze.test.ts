import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { AnalysisResult } from '../../src/analyze/analyze-log.js';
import { parseScenario } from '../../src/scenario/validate.js';
import { createKeyChooser } from '../../src/workload/index.js';
import { useBuiltCli } from './cli-helpers.js';

const cli = useBuiltCli();
const dir = mkdtempSync(join(tmpdir(), 'fcbench-analyze-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A timed CSV log: Zipf 1.1 over 5,000 keys, 1,000 requests/s. */
function zipfCsv(requests: number): string {
  const chooser = createKeyChooser({ kind: 'zipf', exponent: 1.1, scramble: true }, 5000, 3);
  const lines = ['ts,entity'];
  for (let i = 0; i < requests; i++) lines.push(`${1_767_225_600_000 + i},${chooser.next()}`);
  return `${lines.join('\n')}\n`;
}

const log = join(dir, 'requests.csv.gz');
writeFileSync(log, gzipSync(zipfCsv(60_000)));

function fresh(name: string): string {
  const path = join(dir, name);
  mkdirSync(path);
  return path;
}

describe('fcbench analyze', () => {
  it('summarises a gzipped CSV log and writes the analysis JSON and a report', async () => {
    const out = fresh('out');
    const r = await cli.run(['analyze', log, '--out', out, '--report', out, '--value-bytes', '1KB']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^requests +60,000 over [\d,]+ distinct keys$/m);
    expect(r.stdout).toMatch(/^zipf exponent +1\.(0[89]|1[0-3])\d /m);
    expect(r.stdout).toMatch(/^reuse time +p50 /m);
    const files = readdirSync(out).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/^requests-analysis-\d{8}T\d{6}Z\.html$/);
    const analysis = JSON.parse(readFileSync(join(out, files[1]!), 'utf8')) as AnalysisResult;
    expect(analysis).toMatchObject({ kind: 'fcbench-analysis', version: 1, format: 'csv', timed: true, requests: 60_000 });
    expect(analysis.mrc.every((p) => p.bytes === p.entries * 1024)).toBe(true);
    expect(analysis.time!.meanPerSecond).toBeCloseTo(1000, -1);
    const page = readFileSync(join(out, files[0]!), 'utf8');
    for (const kind of ['log-rank', 'log-mrc', 'log-rate', 'log-reuse']) expect(page).toContain(`data-chart="${kind}"`);
  });

  it('--emit-scenario prints only YAML on stdout, a scenario fragment that validates', async () => {
    const r = await cli.run(['analyze', log, '--emit-scenario', '--no-out', '--no-report']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^zipf exponent/m);
    const fragment = parseYaml(r.stdout) as Record<string, unknown>;
    const scenario = parseScenario({ name: 'from-log', ...fragment });
    expect(scenario.keys.distribution.kind).toBe('zipf');
    expect(scenario.load).toMatchObject({ mode: 'open' });
  });

  it('--json prints the analysis document', async () => {
    const r = await cli.run(['analyze', log, '--json', '--no-out', '--no-report']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as AnalysisResult).requests).toBe(60_000);
  });

  it.each([
    ['empty.log', '', /^fcbench: \S*empty\.log: empty request log \(no lines\)$/],
    ['nokey.csv', 'ts,user\n1,a\n', /^fcbench: \S*nokey\.csv:1: CSV header has no key column/],
    ['mixed.log', 'a\nb\n{"key":"c"}\n', /^fcbench: \S*mixed\.log:3: a JSON line in a one-key-per-line log/],
  ])('bad log %s: exit 2, one line, nothing written', async (name, text, message) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    const out = fresh(`out-${name}`);
    const r = await cli.run(['analyze', file, '--out', out, '--report', out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(message);
    expect(readdirSync(out)).toEqual([]);
  });

  it('checks flags and output paths before reading the log', async () => {
    const blocked = join(dir, 'a-file');
    writeFileSync(blocked, 'x');
    const r1 = await cli.run(['analyze', log, '--out', join(blocked, 'sub')]);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/^fcbench: --out /);
    const r2 = await cli.run(['analyze', log, '--value-bytes', 'lots', '--no-out', '--no-report']);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/^fcbench: --value-bytes lots: expected /);
    const r3 = await cli.run(['analyze', join(dir, 'missing.log'), '--no-out', '--no-report']);
    expect(r3.code).toBe(2);
    expect(r3.stderr).toMatch(/missing\.log: cannot read the request log \(ENOENT\)$/m);
    expect(existsSync(join(blocked, 'sub'))).toBe(false);
  });
});
