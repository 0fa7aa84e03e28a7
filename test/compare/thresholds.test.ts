import { describe, it, expect } from 'vitest';
import { evaluateThresholds, resolveMetric } from '../../src/compare/thresholds.js';
import { FcbenchError } from '../../src/errors.js';

/** The parts of a result document the cases read. */
const doc = {
  latency: { endToEnd: { count: 1000, p99: 12.5, max: 40, hdr: 'HISTF...' } },
  tiers: { local: { hitRatio: 0.62, enabled: true }, source: { calls: 0 } },
  stampede: { maxOriginCallsPerExpiry: 1 },
  payload: { encodedBytes: 600 },
  freshness: { staleRatio: 0.031 },
  timeline: [{ t: 0, p99: 3 }, { t: 1, p99: 30 }],
  scenario: { name: 'x' },
};

describe('evaluateThresholds', () => {
  it.each([
    ['latency.endToEnd.p99', '< 15ms', 12.5, true, 15],
    ['latency.endToEnd.p99', '< 10ms', 12.5, false, 10],
    ['latency.endToEnd.p99', '<= 12.5ms', 12.5, true, 12.5],
    ['latency.endToEnd.p99', '< 0.01s', 12.5, false, 10],
    ['latency.endToEnd.max', '< 50000us', 40, true, 50],
    ['tiers.local.hitRatio', '> 0.5', 0.62, true, 0.5],
    ['tiers.local.hitRatio', '>= 70%', 0.62, false, 0.7],
    ['stampede.maxOriginCallsPerExpiry', '<= 1', 1, true, 1],
    ['stampede.maxOriginCallsPerExpiry', '== 0', 1, false, 0],
    ['stampede.maxOriginCallsPerExpiry', '!= 0', 1, true, 0],
    ['tiers.source.calls', '== 0', 0, true, 0],
    ['payload.encodedBytes', '< 1KB', 600, true, 1024], // units.ts: K = 1024,
    ['freshness.staleRatio', '< 5%', 0.031, true, 0.05],
    ['timeline.1.p99', '< 20ms', 30, false, 20],
  ])('%s %s -> actual %d, passed %s', (metric, expression, actual, passed, limit) => {
    const [result] = evaluateThresholds(doc, { [metric]: expression });
    expect(result).toMatchObject({ metric, expression, actual, passed });
    expect(result?.limit).toBeCloseTo(limit, 12);
  });

  it.each([
    ['a missing path', 'latency.endToEnd.p98'],
    ['a missing section', 'cost.per1kInferences'],
    ['a path to an object', 'latency.endToEnd'],
    ['a path to a string', 'latency.endToEnd.hdr'],
    ['a path to a boolean', 'tiers.local.enabled'],
    ['a path through a number', 'latency.endToEnd.p99.x'],
    ['an inherited property', 'scenario.constructor'],
    ['a prototype path', '__proto__.toString'],
    ['an empty segment', 'latency..endToEnd'],
    ['an empty path', ''],
  ])('%s has actual null and fails', (_label, metric) => {
    const [result] = evaluateThresholds(doc, { [metric]: '< 1000' });
    expect(result?.actual).toBeNull();
    expect(result?.passed).toBe(false);
  });

  it('keeps the given order and reports every threshold', () => {
    const results = evaluateThresholds(doc, { 'tiers.local.hitRatio': '> 0.3', 'latency.endToEnd.p99': '< 1ms', nope: '> 0' });
    expect(results.map((r) => [r.metric, r.op, r.passed])).toEqual([
      ['tiers.local.hitRatio', '>', true],
      ['latency.endToEnd.p99', '<', false],
      ['nope', '>', false],
    ]);
  });

  it('rejects an expression that does not parse with bad-input naming the metric', () => {
    try {
      evaluateThresholds(doc, { 'latency.endToEnd.p99': '=< 15ms' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(FcbenchError);
      expect((error as FcbenchError).code).toBe('bad-input');
      expect((error as FcbenchError).message).toContain('latency.endToEnd.p99');
    }
  });

  it('treats non-finite numbers as missing', () => {
    expect(resolveMetric({ a: Number.NaN }, 'a')).toBeNull();
    expect(resolveMetric({ a: { b: 2 } }, 'a.b')).toBe(2);
  });
});
