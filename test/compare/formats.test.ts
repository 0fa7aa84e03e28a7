import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { compareResults } from '../../src/compare/compare-results.js';
import { bencherMetrics } from '../../src/compare/formats/bmf.js';
import { benchmarkArrays } from '../../src/compare/formats/github-action-benchmark.js';
import { FORMAT_RENDERERS } from '../../src/compare/formats/index.js';
import { renderJunit } from '../../src/compare/formats/junit.js';
import { renderMarkdown } from '../../src/compare/formats/markdown.js';
import { renderText } from '../../src/compare/formats/text.js';
import { planOutputs } from '../../src/compare/output-plan.js';
import { synthetic } from './synthetic.js';

/** Two regressions (local hit ratio, cost) in variant b, none in a. */
function twoRegressions() {
  const side = (prefix: string, ratioB: number, costB: number) => [
    synthetic({ 'scenario.variant': 'v=a', 'scenario.hash': 'ha' }, {}, `${prefix}-a.json`),
    synthetic({ 'scenario.variant': 'v=b', 'scenario.hash': 'hb', 'tiers.local.hitRatio': ratioB, 'cost.per1kInferences': costB }, {}, `${prefix}-b.json`),
  ];
  return compareResults(side('base', 0.6, 0.0001), side('cand', 0.4, 0.0002));
}

describe('JUnit XML', () => {
  it('parses as XML, with one testcase per metric and one failure per regressed metric', () => {
    const c = twoRegressions();
    const xml = renderJunit(c);
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, isArray: (name) => ['testsuite', 'testcase'].includes(name) }).parse(xml);
    const suites = doc.testsuites.testsuite as { '@_name': string; '@_failures': string; testcase: { '@_name': string; failure?: unknown }[] }[];
    expect(suites).toHaveLength(2);
    const cases = suites.flatMap((s) => s.testcase);
    expect(cases).toHaveLength(c.variants.reduce((n, v) => n + v.metrics.length, 0));
    const failed = cases.filter((t) => t.failure !== undefined).map((t) => t['@_name']).sort();
    expect(failed).toEqual(['cost.per1kInferences', 'tiers.local.hitRatio']);
    expect(doc.testsuites['@_failures']).toBe('2');
    expect(suites[1]!['@_failures']).toBe('2');
  });

  it('escapes hostile scenario names and drops characters XML cannot carry', () => {
    const hostile = (file: string) => synthetic({ 'scenario.name': 'a <b> & "c" \u0001 ]]>' }, {}, file);
    const xml = renderJunit(compareResults([hostile('b.json')], [hostile('c.json')]));
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain('a &lt;b&gt; &amp; &quot;c&quot;');
  });
});

describe('github-action-benchmark', () => {
  it('two arrays of { name, unit, value, range?, extra? } split by direction, the candidate\'s values', () => {
    const c = twoRegressions();
    const { customSmallerIsBetter, customBiggerIsBetter } = benchmarkArrays(c);
    for (const entry of [...customSmallerIsBetter, ...customBiggerIsBetter]) {
      expect(Object.keys(entry).every((k) => ['name', 'unit', 'value', 'range', 'extra'].includes(k))).toBe(true);
      expect(typeof entry.name).toBe('string');
      expect(typeof entry.unit).toBe('string');
      expect(Number.isFinite(entry.value)).toBe(true);
    }
    const ratio = customBiggerIsBetter.find((e) => e.name.endsWith('[v=b] tiers.local.hitRatio'))!;
    expect(ratio).toMatchObject({ unit: 'ratio', value: 0.4 });
    expect(ratio.extra).toMatch(/fcbench REGRESSED/);
    expect(customSmallerIsBetter.find((e) => e.name.endsWith('[v=b] cost.per1kInferences'))).toMatchObject({ unit: 'USD', value: 0.0002 });
    expect(customSmallerIsBetter.some((e) => e.name.endsWith('latency.endToEnd.p99') && e.unit === 'ms')).toBe(true);
    // names are unique: the action keys its history by name
    const names = [...customSmallerIsBetter, ...customBiggerIsBetter].map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('writes the two arrays as two files next to the --out stem', () => {
    const files = planOutputs(twoRegressions(), ['github-action-benchmark'], 'out/bench.json', false);
    expect(files.map((f) => f.path)).toEqual(['out/bench-smaller-is-better.json', 'out/bench-bigger-is-better.json']);
    expect(Array.isArray(JSON.parse(files[0]!.content))).toBe(true);
  });
});

describe('Bencher Metric Format', () => {
  it('{ benchmark: { measure: { value, lower_value?, upper_value? } } }, measures at most 64 characters', () => {
    const bmf = bencherMetrics(twoRegressions());
    expect(Object.keys(bmf)).toEqual(['credit-features-zipf [v=a]', 'credit-features-zipf [v=b]']);
    for (const measures of Object.values(bmf)) {
      for (const [slug, metric] of Object.entries(measures)) {
        expect(slug.length).toBeLessThanOrEqual(64);
        expect(Object.keys(metric).every((k) => ['value', 'lower_value', 'upper_value'].includes(k))).toBe(true);
        expect(typeof metric.value).toBe('number');
      }
    }
    expect(bmf['credit-features-zipf [v=b]']!['tiers.local.hitRatio']).toEqual({ value: 0.4 });
  });

  it('with several candidate trials, lower and upper are their range', () => {
    const side = (prefix: string, values: number[]) => values.map((v, i) => synthetic({ 'tiers.local.hitRatio': v }, {}, `${prefix}${i}.json`));
    const bmf = bencherMetrics(compareResults(side('b', [0.6, 0.6, 0.6]), side('c', [0.58, 0.6, 0.59])));
    expect(bmf['credit-features-zipf']!['tiers.local.hitRatio']).toEqual({ value: 0.59, lower_value: 0.58, upper_value: 0.6 });
  });
});

describe('text and Markdown', () => {
  it('a one-line verdict, then per variant metric / baseline / candidate / change / verdict / why', () => {
    const c = twoRegressions();
    const text = renderText(c);
    expect(text.split('\n')[0]).toBe('fcbench compare: credit-features-zipf: REGRESSED: 2 metrics in 1 of 2 variants (tiers.local.hitRatio, cost.per1kInferences)');
    expect(text).toMatch(/^metric +baseline +candidate +change +verdict +why$/m);
    expect(text).toMatch(/^tiers\.local\.hitRatio +0\.600 +0\.400 +-0\.200 +REGRESSED +tolerance: -0\.200 is beyond -0\.05 \(single runs\)$/m);
    const md = renderMarkdown(c);
    expect(md).toContain('**REGRESSED: 2 metrics in 1 of 2 variants');
    expect(md).toContain('| metric | baseline | candidate | change | verdict | why |');
    expect(md).toMatch(/\| tiers\.local\.hitRatio \| 0\.600 \| 0\.400 \| -0\.200 \| \*\*REGRESSED\*\* \|/);
  });

  it('a table cell cannot be broken by a pipe or newline in a name', () => {
    const odd = (file: string) => synthetic({ 'scenario.variant': 'a|b\nc', 'scenario.hash': 'h' }, {}, file);
    const md = renderMarkdown(compareResults([odd('b.json')], [odd('c.json')]));
    expect(md).toContain('#### credit-features-zipf \\[a\\|b c\\]');
  });

  it('several formats with --out in a directory: one compare.<ext> file each', () => {
    const files = planOutputs(twoRegressions(), ['md', 'junit', 'json', 'bmf'], 'gate', true);
    expect(files.map((f) => f.path)).toEqual(['gate/compare.md', 'gate/compare.junit.xml', 'gate/compare.json', 'gate/compare.bmf.json']);
    expect(JSON.parse(files[2]!.content)).toMatchObject({ kind: 'fcbench-comparison', formatVersion: 1, regressed: true });
    expect(FORMAT_RENDERERS.text.stdout(twoRegressions())).toContain('REGRESSED');
  });
});
