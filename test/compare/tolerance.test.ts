import { describe, expect, it } from 'vitest';
import { judgeChange, parseTolerance } from '../../src/compare/tolerance.js';

describe('parseTolerance', () => {
  it.each([
    ['+10%', 'increase', 0.1, null],
    ['-10%', 'decrease', 0.1, null],
    ['10%', null, 0.1, null],
    ['+2ms', 'increase', null, 2],
    ['+250us', 'increase', null, 0.25],
    ['+1.5s', 'increase', null, 1500],
    ['-0.02', 'decrease', null, 0.02],
    ['+1', 'increase', null, 1],
    ['+2KB', 'increase', null, 2048],
    ['+100% +0.5ms', 'increase', 1, 0.5],
    ['+0.5ms +100%', 'increase', 1, 0.5],
    ['  +50%   +1  ', 'increase', 0.5, 1],
    ['+1e-3', 'increase', null, 0.001],
    ['+0', 'increase', null, 0],
  ] as const)('%j -> worse %s, relative %s, absolute %s', (text, worse, relative, absolute) => {
    const t = parseTolerance(text);
    expect(t.worse).toBe(worse);
    if (relative === null) expect(t.relative).toBeNull();
    else expect(t.relative).toBeCloseTo(relative, 12);
    if (absolute === null) expect(t.absolute).toBeNull();
    else expect(t.absolute).toBeCloseTo(absolute, 12);
  });

  it.each([
    ['', /empty tolerance/],
    ['< 10%', /a tolerance has no operator/],
    ['+10% +20%', /two relative terms/],
    ['+1ms +2ms', /two absolute terms/],
    ['+10% -1ms', /opposite signs/],
    ['+5 parsecs', /unknown unit "parsecs"/],
    ['ms', /expected a number at position 1, got "ms"/],
    ['+5 & 6', /expected a number at position 4, got "&"/],
  ] as const)('%j is refused (%s)', (text, message) => {
    expect(() => parseTolerance(text)).toThrow(message);
  });

  it('messages say what is allowed', () => {
    expect(() => parseTolerance('~5')).toThrow(/"\+10%", "\+2ms", "-0.02"/);
  });

  it('reads durations and sizes with the threshold grammar units (K = 1024, µs)', () => {
    expect(parseTolerance('+250µs').absolute).toBeCloseTo(0.25, 12);
    expect(parseTolerance('+1KiB').absolute).toBe(1024);
  });
});

describe('judgeChange', () => {
  it.each([
    // tolerance, worse, baseline, candidate, exceeds, improves
    ['+10%', 'increase', 10, 10.9, false, false],
    ['+10%', 'increase', 10, 11.1, true, false],
    ['+10%', 'increase', 10, 8.9, false, true],
    ['-0.02', 'decrease', 0.6, 0.59, false, false],
    ['-0.02', 'decrease', 0.6, 0.57, true, false],
    ['-0.02', 'decrease', 0.6, 0.63, false, true],
    // both terms must be exceeded: a doubling of 4 µs is not +0.5ms
    ['+100% +0.5ms', 'increase', 0.004, 0.012, false, false],
    ['+100% +0.5ms', 'increase', 5, 10.6, true, false],
    ['+100% +0.5ms', 'increase', 5, 9.9, false, false],
    // a relative tolerance on a zero baseline: any rise is beyond it
    ['+50%', 'increase', 0, 1, true, false],
    ['+50% +100', 'increase', 0, 50, false, false],
    ['+0', 'increase', 1, 1, false, false],
  ] as const)('%s %s: %d -> %d exceeds %s', (text, worse, baseline, candidate, exceeds, improves) => {
    const judged = judgeChange(parseTolerance(text), worse, baseline, candidate);
    expect(judged.exceeds).toBe(exceeds);
    expect(judged.improves).toBe(improves);
  });
});
