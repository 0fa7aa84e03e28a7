import type { ResultDocument } from '../../results/result-types.js';
import { formatBytes, formatCount, formatMs, formatNumber } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { orNotReported } from '../not-reported.js';
import { facts, section, table } from './parts.js';

/** Said instead of a figure when Redis could not be asked after the run (never a made-up zero). */
const NOT_MEASURED = 'not measured (Redis unavailable at the end)';

/** Codec and payload figures: bytes before and after compression, codec time, Redis memory per key. */
export function renderPayload(result: ResultDocument, idPrefix: string): SafeHtml {
  const p = result.payload;
  const { encode, decode } = result.latency.components;
  const redis = result.redis;
  const timing = (label: string, s: typeof encode | null): string[] =>
    s === null ? [label, orNotReported(s, String), '', '', ''] : s.count === 0 ? [label, '—', '—', '—', '0'] : [label, formatMs(s.p50), formatMs(s.p99), formatMs(s.mean), formatCount(s.count)];
  return section(
    `${idPrefix}payload`,
    'Payload and codec',
    html`${facts([
      ['Codec', `${p.format} + ${p.compression}`],
      ['Serialized (raw)', orNotReported(p.rawBytes, formatBytes)],
      ['Stored in Redis', orNotReported(p.encodedBytes, formatBytes)],
      ['Compression ratio', orNotReported(p.compressionRatio, (ratio) => `${formatNumber(ratio)}×`)],
      ['Values written', orNotReported(p.writes, formatCount)],
      ['Redis keys', redis.keys === null ? NOT_MEASURED : formatCount(redis.keys)],
      ['Redis bytes per key', redis.bytesPerKey === null ? NOT_MEASURED : formatBytes(redis.bytesPerKey)],
      [
        'Redis memory before → after',
        `${formatBytes(redis.usedMemoryBefore)} → ${redis.usedMemoryAfter === null ? NOT_MEASURED : formatBytes(redis.usedMemoryAfter)}`,
      ],
    ])}${table(['', 'p50', 'p99', 'mean', 'count'], [timing('encode', encode), timing('decode', decode)], 'num')}`,
  );
}
