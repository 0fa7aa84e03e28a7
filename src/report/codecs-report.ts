import path from 'node:path';
import { formatBytes } from '../codec/describe-codec.js';
import { LAB_FORMATS, labCodecLabel } from '../codec-lab/lab-codecs.js';
import type { CodecRow, CodecsResult } from '../codec-lab/lab-types.js';
import { codecsStem } from '../codec-lab/write-lab-result.js';
import { redactSecrets } from '../redact.js';
import { writeFileAtomic } from '../results/atomic-write.js';
import { formatCount, formatDate } from './format.js';
import { html, type SafeHtml } from './html.js';
import { renderPage } from './render-report.js';
import { chart, facts, note, section, table } from './sections/parts.js';

/** What the bar charts of one payload read: labels in end-to-end order, one value per codec. */
interface CodecBars {
  labels: string[];
  /** Index of each row's format in LAB_FORMATS: its bar colour. */
  formats: number[];
  sizeBytes: number[];
  decodeUs: number[];
  costUs: number[];
}

const round = (x: number, digits = 3) => Number(x.toPrecision(digits));
const us = (ns: number) => (Number.isFinite(ns) ? `${round(ns / 1000)} µs` : '-');

function groups(result: CodecsResult): Array<{ payload: string; rows: CodecRow[] }> {
  const sweep = new Set(result.sizes.map(formatBytes));
  const byPayload = new Map<string, CodecRow[]>();
  for (const row of result.codecs) if (!sweep.has(row.payload)) byPayload.set(row.payload, [...(byPayload.get(row.payload) ?? []), row]);
  return [...byPayload].map(([payload, rows]) => ({ payload, rows: [...rows].sort((a, b) => a.endToEndNs - b.endToEndNs) }));
}

function bars(rows: readonly CodecRow[]): CodecBars {
  return {
    labels: rows.map(labCodecLabel),
    formats: rows.map((r) => LAB_FORMATS.indexOf(r.format)),
    sizeBytes: rows.map((r) => Math.round(r.encodedBytes)),
    decodeUs: rows.map((r) => round(r.decodeNs / 1000)),
    costUs: rows.map((r) => round(r.endToEndNs / 1000)),
  };
}

function payloadSection(payload: string, rows: readonly CodecRow[], index: number, withRedis: boolean): SafeHtml {
  const head = ['codec', 'raw B', 'stored B', 'ratio', 'encode', 'decode', 'decode p99', 'rme', ...(withRedis ? ['SET+GET', 'Redis B'] : []), 'end to end'];
  const body = rows.map((r) => [
    labCodecLabel(r),
    formatCount(Math.round(r.rawBytes)),
    formatCount(Math.round(r.encodedBytes)),
    r.compressionRatio.toFixed(2),
    us(r.encodeNs),
    us(r.decodeNs),
    us(r.decodeNsP99),
    `±${r.decodeRme.toFixed(1)}%`,
    ...(withRedis ? [r.roundTripUs === null ? '-' : `${round(r.roundTripUs)} µs`, r.redisBytes === null ? '-' : formatCount(r.redisBytes)] : []),
    us(r.endToEndNs),
  ]);
  return section(
    `payload-${index}`,
    `Payload ${payload}`,
    html`${table(head, body)}
<div class="grid2 tall-charts">
${chart('codec-size', index, `stored bytes per codec, payload ${payload}`, 'Stored bytes per value (envelope included)')}
${chart('codec-decode', index, `decode time per codec, payload ${payload}`, 'Decode µs per value (p50 of batches)')}
${chart('codec-cost', index, `end-to-end cost per codec, payload ${payload}`, 'End-to-end µs per value: codec + round trip + wire')}
</div>`,
  );
}

function crossoverSection(result: CodecsResult): SafeHtml {
  const rows = result.crossover.map((c) => [
    labCodecLabel({ format: 'msgpack', compression: c.compression, level: c.level }).replace(/^msgpack\+/, ''),
    c.bytes === null ? 'never in this range' : `${formatCount(c.bytes)} B`,
  ]);
  return section(
    'crossover',
    'Crossover: where compression starts to pay',
    html`${table(['compressor', 'codec.compressAbove'], rows)}
${note(`msgpack payloads swept over ${result.sizes.map(formatBytes).join(', ')} of serialized size; end-to-end cost with ${result.bandwidthBitsPerSec / 1e9} Gbit/s on the wire.`)}`,
  );
}

/** The codec lab as one self-contained page (the same shell, script and styles as run reports). */
export function renderCodecsReport(raw: CodecsResult): string {
  const result = redactSecrets(raw);
  const withRedis = result.redis !== null;
  const payloads = groups(result);
  const title = 'fcbench codecs';
  const body = html`<div class="report-title"><h1>${title}</h1><span class="generated">${formatDate(result.startedAt)}</span></div>
${facts([
  ['Redis', result.redis === null ? 'none' : `${result.redis.url} (${result.redis.version})`],
  ['Bandwidth', `${result.bandwidthBitsPerSec / 1e9} Gbit/s`],
  ['Node', result.env.node],
  ['CPUs', String(result.env.cpus)],
])}
${result.notes.map((n) => note(n))}
${note('Lab figures: a hot loop over 32 distinct values, caches warm. A running service decodes with colder caches; its report shows that figure (see the README).')}
${crossoverSection(result)}
${payloads.map((p, i) => payloadSection(p.payload, p.rows, i, withRedis))}`;
  const data = { results: payloads.map((p) => ({ codecBars: bars(p.rows) })), compare: null };
  return renderPage({ title, body, data, version: result.tool.version, footer: 'a codecs result' });
}

/** Writes `<dir>/codecs-<stamp>.html` atomically; returns its path. */
export async function writeCodecsReport(result: CodecsResult, dir: string): Promise<string> {
  const file = path.join(dir, `${codecsStem(result)}.html`);
  await writeFileAtomic(file, renderCodecsReport(result));
  return file;
}
