import { describe, expect, it } from 'vitest';
import { parseThresholdExpression } from '../../src/scenario/threshold-expression.js';

describe('parseThresholdExpression', () => {
  it.each([
    ['< 15ms', '<', 15],
    ['<15ms', '<', 15],
    ['<= 15ms', '<=', 15],
    ['>= 0.3', '>=', 0.3],
    ['> 0.3', '>', 0.3],
    ['== 0', '==', 0],
    ['!= 0', '!=', 0],
    ['  <  250us  ', '<', 0.25],
    ['< 1.5s', '<', 1500],
    ['< 2m', '<', 120_000],
    ['<= 2KB', '<=', 2048],
    ['<= 2kib', '<=', 2048],
    ['< 1.5MB', '<', 1_572_864],
    ['< 5%', '<', 0.05],
    ['> -3', '>', -3],
    ['< 1e3', '<', 1000],
    ['< 1.5e3ms', '<', 1500],
  ] as const)('%j -> %s %d', (expr, op, limit) => {
    const parsed = parseThresholdExpression(expr);
    expect(parsed.op).toBe(op);
    expect(parsed.limit).toBeCloseTo(limit, 12);
  });

  it.each([
    ['', /empty expression/],
    ['15ms', /expected an operator first, got "15"/],
    ['= 5', /"=" alone is not an operator: use ==/],
    ['=< 5', /"=" alone is not an operator/],
    ['<', /missing the number after "<"/],
    ['< ms', /expected a number after "<", got "ms"/],
    ['<= = 5', /expected a number after "<=", got "="/],
    ['< 5 xs', /unknown unit "xs"/],
    ['< 5ms ms', /unexpected "ms" at position 7/],
    ['< 5 5', /unexpected "5" after the number/],
    ['< 5 & 6', /unexpected "&" after the number/],
    ['<< 5', /expected a number after "<", got "<"/],
  ] as const)('%j is refused (%s)', (expr, message) => {
    expect(() => parseThresholdExpression(expr)).toThrow(message);
  });

  it('reads "<=" as one operator, not "<" then "="', () => {
    expect(parseThresholdExpression('<=5').op).toBe('<=');
    expect(parseThresholdExpression('>=5').op).toBe('>=');
  });

  it('messages say what is allowed', () => {
    expect(() => parseThresholdExpression('~ 5')).toThrow(/<, <=, >, >=, ==, !=/);
  });
});
