import { describe, expect, it } from 'vitest';
import { compareResults } from '../../src/compare/compare-results.js';
import { FcbenchError } from '../../src/errors.js';
import { synthetic } from './synthetic.js';

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);

function variantResult(variant: string, file: string, values: Record<string, unknown> = {}, hash = `${variant}-hash`) {
  return synthetic({ 'scenario.variant': variant, 'scenario.hash': hash, ...values }, {}, file);
}

describe('matrix results are paired by variant label', () => {
  it('one table per variant present on both sides, in the candidate order; one-sided variants listed', () => {
    const baseline = [variantResult('codec=json', 'b-json.json'), variantResult('codec=msgpack', 'b-msgpack.json'), variantResult('codec=old', 'b-old.json')];
    const candidate = [variantResult('codec=msgpack', 'c-msgpack.json'), variantResult('codec=json', 'c-json.json'), variantResult('codec=new', 'c-new.json')];
    const c = compareResults(baseline, candidate);
    expect(c.variants.map((v) => [v.variant, v.baseline.files, v.candidate.files])).toEqual([
      ['codec=msgpack', ['b-msgpack.json'], ['c-msgpack.json']],
      ['codec=json', ['b-json.json'], ['c-json.json']],
    ]);
    expect(c.onlyInBaseline).toEqual(['codec=old']);
    expect(c.onlyInCandidate).toEqual(['codec=new']);
    expect(c.regressed).toBe(false);
  });

  it('a regression in one variant is that variant\'s, not its neighbour\'s', () => {
    const baseline = [variantResult('v=a', 'b-a.json', { 'tiers.local.hitRatio': 0.6 }), variantResult('v=b', 'b-b.json', { 'tiers.local.hitRatio': 0.6 })];
    const candidate = [variantResult('v=a', 'c-a.json', { 'tiers.local.hitRatio': 0.6 }), variantResult('v=b', 'c-b.json', { 'tiers.local.hitRatio': 0.3 })];
    const c = compareResults(baseline, candidate);
    expect(c.variants.map((v) => [v.variant, v.regressed])).toEqual([['v=a', false], ['v=b', true]]);
    expect(c.variants[1]!.metrics.filter((m) => m.verdict === 'regressed').map((m) => m.metric)).toEqual(['tiers.local.hitRatio']);
    expect(c.regressions).toBe(1);
  });

  it('several results of one variant on a side are its trials', () => {
    const baseline = [1, 2, 3].map((i) => variantResult('v=a', `b${i}.json`));
    const candidate = [1, 2, 3].map((i) => variantResult('v=a', `c${i}.json`));
    const c = compareResults(baseline, candidate);
    expect(c.variants[0]!.baseline.files).toEqual(['b1.json', 'b2.json', 'b3.json']);
    expect(new Set(c.variants[0]!.metrics.filter((m) => m.verdict !== 'missing').map((m) => m.method))).toEqual(new Set(['bootstrap']));
  });

  it('refuses results of different scenarios by name or by hash, unless allowed', () => {
    const base = synthetic({ 'scenario.name': 'one', 'scenario.hash': HASH_A }, {}, 'base.json');
    const otherName = synthetic({ 'scenario.name': 'two', 'scenario.hash': HASH_A }, {}, 'cand.json');
    const otherHash = synthetic({ 'scenario.name': 'one', 'scenario.hash': HASH_B }, {}, 'cand.json');
    expect(() => compareResults([base], [otherName])).toThrow(/different scenarios: the baseline is "one", the candidate "two"/);
    expect(() => compareResults([base], [otherHash])).toThrow(/base\.json has scenario hash aaaaaaaaaaaa, cand\.json has bbbbbbbbbbbb/);
    try {
      compareResults([base], [otherHash]);
    } catch (error) {
      expect((error as FcbenchError).code).toBe('bad-input');
    }
    const allowed = compareResults([base], [otherHash], { allowDifferentScenario: true });
    expect(allowed.notes.some((n) => n.includes('the scenarios differ'))).toBe(true);
  });

  it('history: the last K results of the candidate\'s scenario, variant and hash, by startedAt', () => {
    const history = Array.from({ length: 6 }, (_, i) =>
      synthetic({ 'scenario.hash': HASH_A, startedAt: `2026-01-0${i + 1}T00:00:00.000Z` }, {}, `h${i + 1}.json`),
    );
    const stale = synthetic({ 'scenario.hash': HASH_B, startedAt: '2026-01-09T00:00:00.000Z' }, {}, 'old-scenario.json');
    const candidate = [synthetic({ 'scenario.hash': HASH_A }, {}, 'cand.json')];
    const c = compareResults([...history, stale], candidate, { mode: 'history', window: 4 });
    expect(c.variants[0]!.baseline.files).toEqual(['h3.json', 'h4.json', 'h5.json', 'h6.json']);
    expect(c.window).toBe(4);
    expect(c.variants[0]!.metrics.find((m) => m.metric === 'tiers.local.hitRatio')!.method).toBe('window');
  });

  it('history window: beyond the tolerance but no worse than the window has seen passes', () => {
    const ratios = [0.6, 0.5, 0.62, 0.61];
    const history = ratios.map((r, i) => synthetic({ 'tiers.local.hitRatio': r, startedAt: `2026-01-0${i + 1}T00:00:00.000Z` }, {}, `h${i}.json`));
    const seen = compareResults(history, [synthetic({ 'tiers.local.hitRatio': 0.52 }, {}, 'c.json')], { mode: 'history' });
    expect(seen.variants[0]!.metrics.find((m) => m.metric === 'tiers.local.hitRatio')!.verdict).toBe('ok');
    const worse = compareResults(history, [synthetic({ 'tiers.local.hitRatio': 0.45 }, {}, 'c.json')], { mode: 'history' });
    const m = worse.variants[0]!.metrics.find((x) => x.metric === 'tiers.local.hitRatio')!;
    expect(m.verdict).toBe('regressed');
    expect(m.why).toMatch(/^window: .* worse than every result \(window of 4: worst 0\.500\)/);
  });
});
