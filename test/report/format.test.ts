import { describe, expect, it } from 'vitest';
import { formatBytes, formatChange, formatCount, formatDate, formatMs, formatNumber, formatRatio, formatUsd, relativeChange } from '../../src/report/format.js';

describe('formatMs picks the unit that fits', () => {
  it.each([
    [0, '0 µs'],
    [0.0421, '42.1 µs'],
    [0.999, '999 µs'],
    [1, '1 ms'],
    [4.213, '4.21 ms'],
    [123.4, '123 ms'],
    [9_999, '9,999 ms'],
    [10_000, '10 s'],
    [12_345, '12.3 s'],
    [Number.NaN, '—'],
  ])('%s ms -> %s', (ms, text) => {
    expect(formatMs(ms)).toBe(text);
  });
});

describe('other formats', () => {
  it('formats numbers, counts, bytes, ratios and money', () => {
    expect(formatNumber(0.001234)).toBe('0.00123');
    expect(formatNumber(1234.5)).toBe('1,235');
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatBytes(793)).toBe('793 B');
    expect(formatBytes(1500)).toBe('1.46 KiB');
    expect(formatBytes(6 * 1024 ** 3)).toBe('6 GiB');
    expect(formatRatio(0.8532)).toBe('85.3%');
    expect(formatUsd(0.000123456)).toBe('$0.000123');
  });

  it('reports relative change against a base', () => {
    expect(relativeChange(110, 100)).toBeCloseTo(0.1, 12);
    expect(formatChange(110, 100)).toBe('+10%');
    expect(formatChange(90, 100)).toBe('-10%');
    expect(formatChange(5, 5)).toBe('±0%');
    expect(formatChange(5, 0)).toBe('—');
  });

  it('shows dates in UTC without milliseconds', () => {
    expect(formatDate('2026-11-25T20:15:05.123Z')).toBe('2026-11-25 20:15:05 UTC');
    expect(formatDate('not a date')).toBe('not a date');
  });
});
