/**
 * `fcbench warm`'s progress line and closing line, pure. Drawn like `source load`'s (redrawn on a
 * terminal, one line a second in logs; see load-progress.ts for the throttle).
 */

const BAR_WIDTH = 24;

export interface WarmProgressLine {
  done: number;
  total: number | null;
  elapsedMs: number;
}

function perSecond(count: number, elapsedMs: number): number {
  return elapsedMs > 0 ? (count * 1000) / elapsedMs : 0;
}

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '-';
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}

/** `warm [#########...............]  38%  38,000/100,000 keys  52,311 keys/s  ETA 1.2s` (no bar or ETA when the total is unknown). */
export function formatWarmProgress(p: WarmProgressLine): string {
  const rate = perSecond(p.done, p.elapsedMs);
  const speed = `${Math.round(rate).toLocaleString('en-US')} keys/s`;
  if (p.total === null || p.total === 0) return `warm ${p.done.toLocaleString('en-US')} keys  ${speed}`;
  const ratio = Math.min(1, p.done / p.total);
  const filled = Math.round(ratio * BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
  const eta = rate > 0 ? formatSeconds((p.total - p.done) / rate) : '-';
  return `warm ${bar} ${`${Math.floor(ratio * 100)}%`.padStart(4)}  ${p.done.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')} keys  ${speed}  ETA ${eta}`;
}

export interface WarmOutcomeLine {
  written: number;
  skipped: number;
  expired: number;
  elapsedMs: number;
  url: string;
  keyPrefix: string;
  interrupted: boolean;
  /** `cascade.layout`: under feast the rows are hashes of project `keyPrefix`, not keys under it. @default "fcbench" */
  layout?: 'fcbench' | 'feast' | undefined;
}

/** The closing line: what was written where, and what was not (and why). */
export function formatWarmOutcome(o: WarmOutcomeLine): string {
  const extras: string[] = [];
  if (o.skipped > 0) extras.push(`${o.skipped.toLocaleString('en-US')} already there at the same version`);
  if (o.expired > 0) extras.push(`${o.expired.toLocaleString('en-US')} past their hard TTL, not written`);
  const rate = Math.round(perSecond(o.written, o.elapsedMs)).toLocaleString('en-US');
  const head = o.interrupted ? 'interrupted: wrote' : 'warmed';
  const tail = o.interrupted ? '; rerun (or --resume) to finish: writes are idempotent' : '';
  const what = o.layout === 'feast' ? `Feast rows of project ${o.keyPrefix}` : `keys under ${o.keyPrefix}:*`;
  return `${head} ${o.written.toLocaleString('en-US')} ${what} at ${o.url} in ${(o.elapsedMs / 1000).toFixed(1)} s (${rate} keys/s)${extras.length > 0 ? `; ${extras.join(', ')}` : ''}${tail}`;
}
