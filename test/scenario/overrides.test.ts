import { describe, expect, it } from 'vitest';
import { interpolateString } from '../../src/scenario/interpolate.js';
import { labelValue, matrixCombinations, type MatrixAxis } from '../../src/scenario/matrix.js';
import { parseSetFlag, setPath, splitPath } from '../../src/scenario/overrides.js';

describe('interpolateString', () => {
  const env = { A: 'alpha', EMPTY: '' };
  it.each([
    ['plain', 'plain'],
    ['${A}', 'alpha'],
    ['x-${A}-${A}', 'x-alpha-alpha'],
    ['${B:-beta}', 'beta'],
    ['${EMPTY:-dflt}', 'dflt'],
    ['${EMPTY}', ''],
    ['${B:-}', ''],
    ['${B:-a:-b}', 'a:-b'],
    ['$${A}', '${A}'],
    ['$A', '$A'],
    ['cost $5', 'cost $5'],
  ])('%j -> %j', (text, value) => {
    expect(interpolateString(text, env)).toEqual({ value, errors: [] });
  });

  it('collects every error in one string', () => {
    expect(interpolateString('${X}/${Y}', {}).errors).toEqual([
      'environment variable X is not set (write ${X:-default} to give a default)',
      'environment variable Y is not set (write ${Y:-default} to give a default)',
    ]);
    expect(interpolateString('${A:-${B}}', env).errors[0]).toMatch(/bad reference/);
  });
});

describe('splitPath and parseSetFlag', () => {
  it.each([
    ['cascade.local.ttl', ['cascade', 'local', 'ttl']],
    ['featureSets[0].ttl', ['featureSets', '0', 'ttl']],
    ['featureSets.0.ttl', ['featureSets', '0', 'ttl']],
    ['thresholds.latency.endToEnd.p99', ['thresholds', 'latency.endToEnd.p99']],
    ['matrix.featureSets[0].ttl', ['matrix', 'featureSets[0].ttl']],
  ])('%s', (text, path) => {
    expect(splitPath(text)).toEqual(path);
  });

  it('parses the value as YAML, splitting on the first "=" only', () => {
    expect(parseSetFlag('a.b=3')).toEqual({ label: '--set a.b=3', path: ['a', 'b'], value: 3 });
    expect(parseSetFlag('thresholds.requests.errors=== 0').value).toBe('== 0');
    expect(parseSetFlag('a=[x, y]').value).toEqual(['x', 'y']);
    expect(parseSetFlag('a=null').value).toBeNull();
    expect(parseSetFlag('a="007"').value).toBe('007');
  });
});

describe('setPath', () => {
  it('creates missing mappings and lists, replaces values, removes on null', () => {
    const root: Record<string, unknown> = { keep: 1, gone: 2 };
    setPath(root, ['a', 'b'], 1);
    setPath(root, ['list', '0', 'name'], 'x');
    setPath(root, ['gone'], null);
    expect(root).toEqual({ keep: 1, a: { b: 1 }, list: [{ name: 'x' }] });
  });

  it('refuses paths it cannot follow', () => {
    expect(() => setPath({ name: 'x' }, ['name', 'first'], 1)).toThrow('name is "x", not a mapping or list, so name.first cannot be set');
    expect(() => setPath({ l: [] }, ['l', 'x'], 1)).toThrow('l is a list: use an item index (got "x")');
    expect(() => setPath({ l: [1] }, ['l', '0'], null)).toThrow('cannot remove an item of l');
  });
});

describe('matrix helpers', () => {
  it('combines axes with the first slowest, and one empty combination without axes', () => {
    const a: MatrixAxis = { key: 'a', path: ['a'], values: [1, 2] };
    const b: MatrixAxis = { key: 'b', path: ['b'], values: ['x', 'y', 'z'] };
    expect(matrixCombinations([a, b]).map((c) => c.map((x) => x.value).join(''))).toEqual(['1x', '1y', '1z', '2x', '2y', '2z']);
    expect(matrixCombinations([])).toEqual([[]]);
  });

  it('renders label values compactly', () => {
    expect(labelValue({ hard: '60s', earlyRefresh: { kind: 'xfetch' } })).toBe('{hard:60s,earlyRefresh:{kind:xfetch}}');
    expect(labelValue([1, 'a'])).toBe('[1,a]');
    expect(labelValue(true)).toBe('true');
  });
});
