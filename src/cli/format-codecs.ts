import { formatBytes } from '../codec/describe-codec.js';
import { labCodecLabel } from '../codec-lab/lab-codecs.js';
import type { CodecRow, CodecsResult } from '../codec-lab/lab-types.js';
import { pad } from './format-summary.js';

/** ns in the unit that reads best: `820ns`, `6.3µs`, `1.20ms`. */
export function formatNs(ns: number): string {
  if (!Number.isFinite(ns)) return '-';
  if (ns < 1000) return `${Math.round(ns)}ns`;
  if (ns < 1_000_000) return `${(ns / 1000).toFixed(ns < 10_000 ? 2 : 1)}µs`;
  return `${(ns / 1_000_000).toFixed(2)}ms`;
}

function bytes(n: number): string {
  return String(Math.round(n));
}

/** The payloads of the result in row order: the measured ones, then the sweep sizes. */
function payloadGroups(result: CodecsResult): Array<{ payload: string; rows: CodecRow[] }> {
  const groups = new Map<string, CodecRow[]>();
  for (const row of result.codecs) groups.set(row.payload, [...(groups.get(row.payload) ?? []), row]);
  return [...groups].map(([payload, rows]) => ({ payload, rows }));
}

function table(rows: readonly CodecRow[], withRedis: boolean): string {
  const head = ['codec', 'raw B', 'stored B', 'ratio', 'encode', 'decode', 'decode p99', ...(withRedis ? ['SET+GET', 'Redis B'] : []), 'end to end'];
  const sorted = [...rows].sort((a, b) => a.endToEndNs - b.endToEndNs);
  const body = sorted.map((r) => [
    labCodecLabel(r),
    bytes(r.rawBytes),
    bytes(r.encodedBytes),
    r.compressionRatio.toFixed(2),
    formatNs(r.encodeNs),
    formatNs(r.decodeNs),
    formatNs(r.decodeNsP99),
    ...(withRedis ? [r.roundTripUs === null ? '-' : formatNs(r.roundTripUs * 1000), r.redisBytes === null ? '-' : bytes(r.redisBytes)] : []),
    formatNs(r.endToEndNs),
  ]);
  return pad([head, ...body])
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

/** `1.2KB`-style size for a crossover (exact bytes shown too). */
function crossoverSize(bytesAbove: number): string {
  return bytesAbove >= 1024 ? `${(bytesAbove / 1024).toFixed(1)}KB (${bytesAbove} B)` : `${bytesAbove} B`;
}

/**
 * The terminal view of a codec lab: one table per payload (sweep sizes excepted), sorted by
 * end-to-end cost, then the crossover per compressor, then the notes.
 */
export function formatCodecs(result: CodecsResult): string {
  const withRedis = result.redis !== null;
  const sweep = new Set(result.sizes.map(formatBytes));
  const lines: string[] = [];
  for (const { payload, rows } of payloadGroups(result)) {
    if (sweep.has(payload)) continue;
    lines.push(`payload ${payload} (sorted by end-to-end cost; times per value, p50 of batches)`, table(rows, withRedis), '');
  }
  const range = result.sizes.length === 0 ? '' : ` over ${result.sizes.map(formatBytes).join(', ')}`;
  lines.push(`crossover: compress above (msgpack, serialized size${range}, ${result.bandwidthBitsPerSec / 1e9} Gbit/s)`);
  for (const c of result.crossover) {
    const name = labCodecLabel({ format: 'msgpack', compression: c.compression, level: c.level }).replace(/^msgpack\+/, '');
    lines.push(`  ${name.padEnd(10)} ${c.bytes === null ? 'never in this range' : `codec.compressAbove: ${crossoverSize(c.bytes)}`}`);
  }
  for (const note of result.notes) lines.push(`note: ${note}`);
  return lines.join('\n');
}
