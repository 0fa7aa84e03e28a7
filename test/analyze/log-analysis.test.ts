import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeLog } from '../../src/analyze/analyze-log.js';
import { emitScenarioBlock } from '../../src/analyze/emit-scenario.js';
import { createLogAnalyzer } from '../../src/analyze/log-analysis.js';
import { openRequestLog, type LogRecord } from '../../src/analyze/log-reader.js';
import { FcbenchError } from '../../src/errors.js';
import { parseScenario } from '../../src/scenario/validate.js';
import { parse as parseYaml } from 'yaml';
import { createKeyChooser } from '../../src/workload/index.js';

const dir = mkdtempSync(join(tmpdir(), 'fcbench-analyze-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function zipfStream(exponent: number, requests: number, entities = 50_000, seed = 7): string[] {
  const chooser = createKeyChooser({ kind: 'zipf', exponent, scramble: true }, entities, seed);
  return Array.from({ length: requests }, () => chooser.next()!);
}

function analyse(keys: readonly string[], times?: readonly number[]) {
  const analyzer = createLogAnalyzer();
  keys.forEach((key, i) => analyzer.add({ key, tsMs: times?.[i] ?? null }));
  return analyzer.finish();
}

async function records(file: string, options = {}): Promise<LogRecord[]> {
  const log = await openRequestLog(file, options);
  const out: LogRecord[] = [];
  await log.forEach((r) => out.push(r));
  return out;
}

function write(name: string, text: string | Buffer): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

async function badInputMessage(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FcbenchError);
  expect((error as FcbenchError).code).toBe('bad-input');
  return (error as Error).message;
}

describe('the Zipf fit', () => {
  it.each([0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3])('recovers exponent %s of a generated log within 0.03', (exponent) => {
    const fit = analyse(zipfStream(exponent, 200_000)).zipf!;
    expect(Math.abs(fit.exponent - exponent)).toBeLessThan(0.03);
    expect(fit.low).toBeLessThan(fit.exponent);
    expect(fit.high).toBeGreaterThan(fit.exponent);
  });

  it('is null when too few keys repeat to fit, and the emitted scenario says uniform', () => {
    const a = analyse(['a', 'b', 'c', 'a']);
    expect(a.zipf).toBeNull();
    expect(emitScenarioBlock(a, { file: 'x.log', format: 'lines', gzip: false })).toContain('distribution: { kind: uniform }');
  });
});

describe('the log analysis', () => {
  it('counts requests, distinct keys, one-hit wonders and head shares exactly', () => {
    // key k0 x50, k1 x30, k2..k21 once each (20 one-hit wonders) -> 100 requests over 22 keys.
    const keys = [...Array(50).fill('k0'), ...Array(30).fill('k1'), ...Array.from({ length: 20 }, (_, i) => `k${i + 2}`)];
    const a = analyse(keys);
    expect(a.requests).toBe(100);
    expect(a.uniqueKeys).toBe(22);
    expect(a.oneHitWonders).toEqual({ keys: 20, ratio: Number((20 / 22).toFixed(6)) });
    expect(a.topShare.top1Percent).toBe(0.5); // ceil(0.22) = 1 key
    expect(a.topShare.top10Percent).toBe(0.81); // ceil(2.2) = 3 keys: 50 + 30 + 1 of 100
    expect(a.topShare.top100).toBe(1);
  });

  it('gives the exact LRU curve: a cyclic scan of n keys misses at every size below n and hits at n', () => {
    const keys = Array.from({ length: 1000 }, (_, i) => `k${i % 10}`);
    const a = analyse(keys);
    const at = (entries: number) => a.mrc.find((p) => p.entries === entries)!.missRatio;
    expect(at(8)).toBe(1);
    expect(at(10)).toBe(0.01); // only the 10 first accesses
    expect(a.sizeFor.find((s) => s.hitRatio === 0.99)).toEqual({ hitRatio: 0.99, entries: 10, bytes: null });
    expect(a.mrc.every((p) => !('bytes' in p))).toBe(true);
  });

  it('measures reuse times and the share of repeats within each TTL', () => {
    // key a every 2 s, key b every 20 s, over 200 s.
    const keys: string[] = [];
    const times: number[] = [];
    for (let t = 0; t < 200_000; t += 2000) {
      keys.push('a');
      times.push(t);
      if (t % 20_000 === 0) {
        keys.push('b');
        times.push(t);
      }
    }
    const a = analyse(keys, times);
    const time = a.time!;
    expect(time.reuse.count).toBe(99 + 9);
    const within = (ttl: number) => time.reuseWithin.find((r) => r.ttlMs === ttl)!.share;
    expect(within(1000)).toBe(0);
    expect(within(10_000)).toBeCloseTo(99 / 108, 6);
    expect(within(60_000)).toBe(1);
    expect(time.reuse.p50Ms).toBeGreaterThanOrEqual(2000);
    expect(time.reuse.p50Ms).toBeLessThan(2030);
    expect(time.meanPerSecond).toBeCloseTo(110 / 198, 2);
    expect(time.outOfOrder).toBe(0);
  });

  it('keeps the rate series bounded however long the log spans', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `k${i % 100}`);
    const times = keys.map((_, i) => i * 60_000); // one request a minute for ~2 weeks
    const time = analyse(keys, times).time!;
    expect(time.rate.length).toBeLessThanOrEqual(240);
    const rates = time.rate.map((p) => p.perSecond).sort((x, y) => x - y);
    expect(rates[Math.floor(rates.length / 2)]! * 60).toBeCloseTo(1, 1);
  });
});

describe('reading request logs', () => {
  it('reads one key per line, CSV (quoted cells, CRLF, named columns), JSON Lines and gzip alike', async () => {
    const lines = write('keys.log', 'a\nb\n\na\n');
    const csv = write('log.csv', 'ts,"customer_id",x\r\n1767225600,"a",1\r\n1767225601,b,"q,""r"""\r\n1767225602,a,3\r\n');
    const jsonl = write('log.jsonl', '{"entity":"a","ts":"2026-01-01T00:00:00Z"}\n{"entity":"b","ts":"2026-01-01T00:00:01Z"}\n{"entity":"a","ts":1767225602000}\n');
    const gz = write('keys-export', gzipSync('a\nb\na\n')); // gzip without a .gz name
    const keysOf = (rs: LogRecord[]) => rs.map((r) => r.key);
    expect(keysOf(await records(lines))).toEqual(['a', 'b', 'a']);
    const fromCsv = await records(csv, { keyColumn: 'customer_id' });
    expect(keysOf(fromCsv)).toEqual(['a', 'b', 'a']);
    expect(fromCsv.map((r) => r.tsMs)).toEqual([1767225600000, 1767225601000, 1767225602000]);
    expect((await records(jsonl)).map((r) => r.tsMs)).toEqual([1767225600000, 1767225601000, 1767225602000]);
    expect(keysOf(await records(gz))).toEqual(['a', 'b', 'a']);
  });

  it('reads a log larger than one read chunk with lines split across chunks', async () => {
    const keys = Array.from({ length: 200_000 }, (_, i) => `key-${i % 977}`);
    const file = write('big.log', `${keys.join('\n')}\n`);
    const result = await analyzeLog(file, { toolVersion: 't', now: () => 0 });
    expect(result.requests).toBe(200_000);
    expect(result.uniqueKeys).toBe(977);
  });

  it.each([
    ['empty.log', '', /empty\.log: empty request log/],
    ['blank.log', '\n\n  \n', /blank\.log: empty request log/],
    ['header-only.csv', 'ts,key\n', /header-only\.csv: no requests/],
    ['no-key.csv', 'ts,user\n1,a\n', /no-key\.csv:1: CSV header has no key column/],
    ['mixed.csv', 'ts,key\n1,a\n{"key":"b"}\n', /mixed\.csv:3: a JSON line in a CSV log/],
    ['mixed.log', 'a\nb\nc,d\n', /mixed\.log:3: a CSV line in a one-key-per-line log/],
    ['mixed.jsonl', '{"key":"a"}\nb\n', /mixed\.jsonl:2: not a JSON object in a JSON Lines log/],
    ['bad-json.jsonl', '{"key":"a"}\n{"key":\n', /bad-json\.jsonl:2: not valid JSON/],
    ['no-field.jsonl', '{"user":"a"}\n', /no-field\.jsonl:1: JSON line has no key field/],
    ['bad-time.csv', 'ts,key\n1,a\nyesterday,b\n', /bad-time\.csv:3: timestamp "yesterday"/],
    ['empty-key.csv', 'ts,key\n1,a\n2,\n', /empty-key\.csv:3: no value in key column key/],
  ])('rejects %s with one line naming the file and line', async (name, text, message) => {
    const file = write(name, text);
    expect(await badInputMessage(analyzeLog(file, { toolVersion: 't', now: () => 0 }))).toMatch(message);
  });

  it('rejects a missing file and a corrupt gzip as bad input', async () => {
    expect(await badInputMessage(analyzeLog(join(dir, 'nope.log'), { toolVersion: 't', now: () => 0 }))).toMatch(/nope\.log: cannot read the request log \(ENOENT\)/);
    // gzip magic, then a cut-off stream: told by its bytes, not its name.
    const corrupt = write('corrupt.log', gzipSync('a\nb\n'.repeat(1000)).subarray(0, 30));
    expect(await badInputMessage(analyzeLog(corrupt, { toolVersion: 't', now: () => 0 }))).toMatch(/corrupt\.log: cannot read the request log/);
  });
});

describe('--emit-scenario', () => {
  it('emits keys and load blocks that validate and reproduce the fitted exponent and the mean rate', () => {
    const keys = zipfStream(0.9, 100_000, 20_000);
    const times = keys.map((_, i) => i * 2); // 500 requests/s
    const a = analyse(keys, times);
    const yaml = emitScenarioBlock(a, { file: 'requests.csv', format: 'csv', gzip: false });
    const scenario = parseScenario({ name: 'shape', ...parseYaml(yaml) });
    expect(scenario.keys.entities).toBe(a.uniqueKeys);
    expect(scenario.keys.distribution).toMatchObject({ kind: 'zipf', scramble: true });
    expect((scenario.keys.distribution as { exponent: number }).exponent).toBeCloseTo(a.zipf!.exponent, 3);
    expect(scenario.load).toMatchObject({ mode: 'open', arrivals: 'poisson' });
    expect((scenario.load as { rate: number }).rate).toBeCloseTo(500, 0);
  });

  it('offers trace replay for a plain key list and no load block without timestamps', () => {
    const a = analyse(zipfStream(1, 20_000, 2000));
    const yaml = emitScenarioBlock(a, { file: 'keys.log', format: 'lines', gzip: false });
    expect(yaml).toContain('kind: trace, file: "keys.log"');
    expect(yaml).not.toMatch(/^load:/m);
    expect(parseScenario({ name: 'shape', ...parseYaml(yaml) }).keys.entities).toBe(a.uniqueKeys);
  });
});
