import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { durationToMs, formatDurationMs, parseDurationMs, parseSizeBytes } from '../../src/scenario/units.js';

describe('parseDurationMs', () => {
  it.each([
    ['250us', 0.25],
    ['250µs', 0.25],
    ['250μs', 0.25],
    ['20ms', 20],
    ['5s', 5000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1.5s', 1500],
    ['.5s', 500],
    ['0.25ms', 0.25],
    [' 5 s ', 5000],
    ['0', 0],
    ['0s', 0],
    [0, 0],
    ['-5s', -5000], // parses; the schema's range check says "must be > 0"
  ] as const)('%j -> %d ms', (input, expected) => {
    expect(parseDurationMs(input)).toBe(expected);
  });

  it.each([
    ['5', /the unit is missing/],
    [5, /a bare number has no unit/],
    ['5S', /expected a duration/],
    ['5 sec', /unknown duration unit "sec"/],
    ['5min', /unknown duration unit "min"/],
    ['abc', /expected a duration/],
    ['', /expected a duration/],
    ['1e3ms', /expected a duration/],
  ] as const)('%j is refused (%s)', (input, message) => {
    expect(() => parseDurationMs(input)).toThrow(message);
  });

  it('every message lists the allowed units', () => {
    expect(() => parseDurationMs('5x')).toThrow(/us, µs, ms, s, m or h/);
  });

  it('n<unit> is n times the unit for any whole n (property, fixed seed)', () => {
    const units: Array<[string, (n: number) => number]> = [
      ['us', (n) => n / 1000],
      ['ms', (n) => n],
      ['s', (n) => n * 1000],
      ['m', (n) => n * 60_000],
      ['h', (n) => n * 3_600_000],
    ];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.constantFrom(...units), (n, [unit, toMs]) => {
        expect(parseDurationMs(`${n}${unit}`)).toBe(toMs(n));
      }),
      { seed: 20240601, numRuns: 300 },
    );
  });
});

describe('parseSizeBytes', () => {
  it.each([
    ['512B', 512],
    ['2KB', 2048],
    ['2kb', 2048],
    ['2KiB', 2048],
    ['1.5MB', 1_572_864],
    ['1.5MiB', 1_572_864],
    ['6GB', 6 * 1024 ** 3],
    ['1GiB', 1024 ** 3],
    ['1.1KB', 1126], // 1126.4 rounds to whole bytes
    ['4096', 4096],
    [4096, 4096],
    ['0', 0],
    [0, 0],
    [' 2 KB ', 2048],
  ] as const)('%j -> %d bytes', (input, expected) => {
    expect(parseSizeBytes(input)).toBe(expected);
  });

  it.each([
    ['2XB', /unknown size unit "XB"/],
    ['1.5', /whole number/],
    [1.5, /whole number/],
    ['abc', /expected a size/],
    ['2K', /unknown size unit "K"/],
  ] as const)('%j is refused (%s)', (input, message) => {
    expect(() => parseSizeBytes(input)).toThrow(message);
  });
});

describe('formatDurationMs', () => {
  it.each([
    [900_000, '15m'],
    [3_600_000, '1h'],
    [5000, '5s'],
    [250, '250ms'],
    [0.25, '250us'],
    [1500, '1500ms'],
    [0, '0ms'],
  ])('%d -> %s', (ms, text) => {
    expect(formatDurationMs(ms)).toBe(text);
    expect(parseDurationMs(text)).toBe(ms);
  });

  it('durationToMs knows no unit it was not taught', () => {
    expect(durationToMs(1, 'd')).toBeUndefined();
  });
});
