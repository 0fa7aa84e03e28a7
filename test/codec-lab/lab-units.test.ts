import { describe, expect, it } from 'vitest';
import { parseBandwidth, parseSizeList } from '../../src/codec-lab/lab-units.js';
import { FcbenchError } from '../../src/errors.js';

describe('--sizes', () => {
  it('reads a list of sizes (K = 1024)', () => {
    expect(parseSizeList('256B,1KB,4KB,16KB,64KB')).toEqual([256, 1024, 4096, 16_384, 65_536]);
    expect(parseSizeList('1.5KB, 2048')).toEqual([1536, 2048]);
  });
  it.each(['1XB', '1KB,,2KB', 'big', '0B'])('%s is bad input naming --sizes', (text) => {
    expect(() => parseSizeList(text)).toThrow(FcbenchError);
    expect(() => parseSizeList(text)).toThrow(/^--sizes /);
  });
});

describe('--bandwidth', () => {
  it.each([
    ['10Gbit', 1e10],
    ['10Gbit/s', 1e10],
    ['25Gbps', 2.5e10],
    ['100Mbit', 1e8],
    ['1.5gbit', 1.5e9],
  ])('%s = %d bit/s', (text, bits) => expect(parseBandwidth(text)).toBe(bits));
  it.each(['fast', '10', '10GB', '-1Gbit', '0Gbit', '10 furlongs'])('%s is not a rate', (text) => {
    expect(() => parseBandwidth(text)).toThrow(/^--bandwidth .*expected a rate/);
  });
});
