import { describe, expect, it } from 'vitest';
import { endToEndNs, findCrossovers, type CostPoint } from '../../src/codec-lab/crossover.js';

const SIZES = [256, 1024, 4096, 16_384, 65_536];
const GBIT = 1e9;

/**
 * A synthetic cost model with a known answer. Without compression: encode+decode 1 ns/B, a fixed
 * 50 µs round trip, the raw bytes on the wire. With it: a fixed 20 µs + 2 ns/B of codec time, half
 * the bytes on the wire. At 1 Gbit/s a byte costs 8 ns each way, 16 ns both: none costs
 * 50,000 + 17 b, compressed 70,000 + 2 b + 8 b = 70,000 + 10 b; equal at b = 20,000 / 7 = 2857.14.
 */
function point(compression: CostPoint['compression'], rawBytes: number): CostPoint {
  const compressed = compression !== 'none';
  return {
    compression,
    level: compressed ? 1 : null,
    payload: `${rawBytes}B`,
    rawBytes,
    encodedBytes: compressed ? rawBytes / 2 : rawBytes,
    encodeNs: compressed ? 10_000 + rawBytes : rawBytes / 2,
    decodeNs: compressed ? 10_000 + rawBytes : rawBytes / 2,
    roundTripUs: 50,
  };
}

describe('end-to-end cost', () => {
  it('adds codec time, the round trip and the bytes written and read at the bandwidth', () => {
    expect(endToEndNs(point('none', 1000), GBIT)).toBe(1000 + 50_000 + 16_000);
    expect(endToEndNs({ ...point('none', 1000), roundTripUs: null }, GBIT)).toBe(1000 + 16_000);
  });
});

describe('findCrossovers on a synthetic cost model', () => {
  it('finds the known crossing between the sweep points (interpolated, rounded up)', () => {
    const points = SIZES.flatMap((s) => [point('none', s), point('zstd', s)]);
    expect(findCrossovers(points, GBIT)).toEqual([{ compression: 'zstd', level: 1, bytes: 2858 }]);
  });

  it('is null when compression still loses at the largest size, and the smallest size when it always wins', () => {
    const loses = SIZES.flatMap((s) => [point('none', s), { ...point('gzip', s), encodeNs: 1e9 }]);
    expect(findCrossovers(loses, GBIT)).toEqual([{ compression: 'gzip', level: 1, bytes: null }]);
    const wins = SIZES.flatMap((s) => [point('none', s), { ...point('lz4', s), level: null, encodeNs: 0, decodeNs: 0 }]);
    expect(findCrossovers(wins, GBIT)).toEqual([{ compression: 'lz4', level: null, bytes: 256 }]);
  });

  it('takes the last crossing when noise makes compression win once below it', () => {
    const points = SIZES.flatMap((s) => [point('none', s), point('zstd', s)]);
    points.push(point('none', 64), { ...point('zstd', 64), encodeNs: 0, decodeNs: 0, encodedBytes: 0, roundTripUs: 0 });
    expect(findCrossovers(points, GBIT)).toEqual([{ compression: 'zstd', level: 1, bytes: 2858 }]);
  });

  it('keeps compressors and levels apart', () => {
    const points = SIZES.flatMap((s) => [point('none', s), point('zstd', s), { ...point('zstd', s), level: 3, encodeNs: 1e9 }]);
    expect(findCrossovers(points, GBIT)).toEqual([
      { compression: 'zstd', level: 1, bytes: 2858 },
      { compression: 'zstd', level: 3, bytes: null },
    ]);
  });
});
