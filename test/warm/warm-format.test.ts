import { describe, expect, it } from 'vitest';
import { formatWarmOutcome, formatWarmProgress } from '../../src/cli/warm-progress.js';
import { parseEntry, parseHeader } from '../../src/warm/manifest-format.js';
import { jitterDraw, warmEnvelope } from '../../src/warm/warm-stamp.js';
import { expectedMisses, meanLatencyMs } from '../../src/warm/miss-penalty.js';

const HEADER = { kind: 'fcbench-manifest', version: 1, featureSet: 'feats', snapshotVersion: 'v3', batchId: 'b', committedAt: '2026-03-01T00:00:00Z', ranking: 'model' };

describe('warm: pure parts', () => {
  it('jitter is a fixed draw per (entity, version), and the envelope takes its written-at from the input', () => {
    expect(jitterDraw('42', 'v3')).toBe(jitterDraw('42', 'v3'));
    expect(jitterDraw('42', 'v3')).not.toBe(jitterDraw('42', 'v4'));
    expect(jitterDraw('42', 'v3')).not.toBe(jitterDraw('43', 'v3'));
    const draws = Array.from({ length: 10_000 }, (_, i) => jitterDraw(String(i), 'v1'));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    expect(draws.reduce((a, b) => a + b, 0) / draws.length).toBeCloseTo(0.5, 1);
    const ttl = { hardMs: 600_000, softMs: 60_000, jitter: 0.5, xfetchBeta: 0 };
    const u = jitterDraw('7', 'v3');
    const { header, expiries } = warmEnvelope('feats', 'v3', 1_000_000, ttl, '7');
    expect(header).toEqual({ featureSet: 'feats', version: 'v3', writtenAtMs: 1_000_000, softExpiresAtMs: 1_000_000 + 60_000 * (1 - 0.5 * u) });
    expect(expiries.hardExpiresAtMs).toBe(1_000_000 + 600_000 * (1 - 0.5 * u));
  });

  it('parses manifest headers and entries, naming file, line and field on a problem', () => {
    expect(parseHeader(JSON.stringify(HEADER), 'm.jsonl').featureSet).toBe('feats');
    const bad: [Record<string, unknown>, string][] = [
      [{ ...HEADER, kind: 'x' }, 'm.jsonl:1: kind: expected "fcbench-manifest", got "x" (is this a warming manifest?)'],
      [{ ...HEADER, version: 2 }, 'm.jsonl:1: version: this fcbench reads manifest version 1, got 2'],
      [{ ...HEADER, committedAt: 'yesterday' }, 'm.jsonl:1: committedAt: "yesterday" is not an ISO 8601 time'],
      [{ ...HEADER, ranking: 'guess' }, 'm.jsonl:1: ranking: expected one of model, trace, model+penalty, trace+penalty, got "guess"'],
      [{ ...HEADER, featureSet: 'a b' }, 'm.jsonl:1: featureSet: "a b" may contain only letters, digits, _ . -'],
    ];
    for (const [header, message] of bad) expect(() => parseHeader(JSON.stringify(header), 'm.jsonl')).toThrow(message);
    expect(() => parseHeader('not json', 'm.jsonl')).toThrow('m.jsonl:1: not a JSON header');
    const header = parseHeader(JSON.stringify(HEADER), 'm.jsonl');
    expect(parseEntry('{"entity":"9","rank":3,"expectedShare":0.01}', 'm.jsonl', 5, header)).toEqual({ entity: '9', rank: 3, expectedShare: 0.01 });
    expect(() => parseEntry('{"entity":"9","rank":3,"expectedShare":2}', 'm.jsonl', 5, header)).toThrow('m.jsonl:5: expectedShare: expected a number in [0, 1], got 2');
    expect(() => parseEntry('{"entity":"9","rank":1,"expectedShare":0.1,"featureSet":"other"}', 'm.jsonl', 6, header)).toThrow('m.jsonl:6: featureSet: "other" in a manifest of feats');
  });

  it('miss penalty: mean latency of each model, and misses H λ / (1 + λ T)', () => {
    expect(meanLatencyMs({ fixed: 4 })).toBe(4);
    expect(meanLatencyMs({ min: 2, max: 10 })).toBe(6);
    const sigma = Math.log(40 / 8) / 2.326;
    expect(meanLatencyMs({ p50: 8, p99: 40 })).toBeCloseTo(8 * Math.exp((sigma * sigma) / 2), 12);
    // 1% of 1,000 lookups/s = 10/s; TTL 10 s; over 100 s: 100 * 0.01 / (1 + 0.01 * 10000) = 1000 ms * ... = 9.9 misses
    expect(expectedMisses(0.01, 1000, 10_000, 100_000)).toBeCloseTo((100_000 * 0.01) / (1 + 0.01 * 10_000), 12);
    expect(expectedMisses(0, 1000, 10_000, 100_000)).toBe(0);
  });

  it('progress and closing lines', () => {
    expect(formatWarmProgress({ done: 250, total: 1000, elapsedMs: 500 })).toBe('warm [######..................]  25%  250/1,000 keys  500 keys/s  ETA 1.5s');
    expect(formatWarmProgress({ done: 250, total: null, elapsedMs: 500 })).toBe('warm 250 keys  500 keys/s');
    expect(formatWarmOutcome({ written: 900, skipped: 100, expired: 0, elapsedMs: 2000, url: 'redis://127.0.0.1:6379', keyPrefix: 'fcb', interrupted: false })).toBe(
      'warmed 900 keys under fcb:* at redis://127.0.0.1:6379 in 2.0 s (450 keys/s); 100 already there at the same version',
    );
    expect(formatWarmOutcome({ written: 10, skipped: 0, expired: 3, elapsedMs: 1000, url: 'redis://h', keyPrefix: 'p', interrupted: true })).toBe(
      'interrupted: wrote 10 keys under p:* at redis://h in 1.0 s (10 keys/s); 3 past their hard TTL, not written; rerun (or --resume) to finish: writes are idempotent',
    );
  });
});
