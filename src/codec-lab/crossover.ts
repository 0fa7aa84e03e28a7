import type { CompressionKind } from '../codec/types.js';
import type { Crossover } from './lab-types.js';

/** What the crossover search needs of a measured row: its codec, size and costs. */
export interface CostPoint {
  readonly compression: CompressionKind;
  readonly level: number | null;
  /** The sweep point: rows of one payload are compared with each other. */
  readonly payload: string;
  /** Serialized size (the sweep's axis), bytes. */
  readonly rawBytes: number;
  readonly encodedBytes: number;
  readonly encodeNs: number;
  readonly decodeNs: number;
  /** SET + GET round trip, µs; null without a Redis (then only codec time and wire bytes count). */
  readonly roundTripUs: number | null;
}

/**
 * End-to-end cost of one value, ns: encode + decode + the SET + GET round trip + its encoded bytes
 * sent twice (written once, read once) at `bandwidthBitsPerSec`.
 */
export function endToEndNs(point: CostPoint, bandwidthBitsPerSec: number): number {
  const wireNs = ((2 * point.encodedBytes * 8) / bandwidthBitsPerSec) * 1e9;
  return point.encodeNs + point.decodeNs + (point.roundTripUs ?? 0) * 1000 + wireNs;
}

/**
 * Per compressor and level: the smallest serialized size from which compressing costs less end to
 * end than not compressing at every larger size of the sweep. Between the last size where it
 * loses and the first where it wins, the crossing is interpolated linearly on the cost difference
 * and rounded up to a whole byte. A compressor that wins at every size crosses at the smallest
 * size; one that loses at the largest gets null (never worth it in this range).
 */
export function findCrossovers(points: readonly CostPoint[], bandwidthBitsPerSec: number): Crossover[] {
  const baseline = points.filter((p) => p.compression === 'none').sort((a, b) => a.rawBytes - b.rawBytes);
  const groups = new Map<string, CostPoint[]>();
  for (const point of points) {
    if (point.compression === 'none') continue;
    const key = `${point.compression}/${point.level ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), point]);
  }
  const crossovers: Crossover[] = [];
  for (const group of groups.values()) {
    const first = group[0]!;
    crossovers.push({ compression: first.compression, level: first.level, bytes: crossingBytes(group, baseline, bandwidthBitsPerSec) });
  }
  return crossovers;
}

function crossingBytes(group: readonly CostPoint[], baseline: readonly CostPoint[], bandwidth: number): number | null {
  // Gain = cost without compression - cost with it, at each size both were measured at.
  const gains = [...group]
    .sort((a, b) => a.rawBytes - b.rawBytes)
    .flatMap((point) => {
      const plain = baseline.find((b) => b.payload === point.payload);
      return plain === undefined ? [] : [{ bytes: point.rawBytes, gain: endToEndNs(plain, bandwidth) - endToEndNs(point, bandwidth) }];
    });
  if (gains.length === 0 || gains[gains.length - 1]!.gain <= 0) return null;
  let i = gains.length - 1;
  while (i > 0 && gains[i - 1]!.gain > 0) i--;
  if (i === 0) return gains[0]!.bytes;
  const lose = gains[i - 1]!;
  const win = gains[i]!;
  const fraction = -lose.gain / (win.gain - lose.gain);
  return Math.ceil(lose.bytes + fraction * (win.bytes - lose.bytes));
}
