/**
 * `source load`'s progress display, kept apart from the command so the formatting is a pure
 * function. On a terminal one line is redrawn in place (at most every 100 ms); elsewhere (CI logs,
 * pipes) one line is printed about once a second, so a log shows progress without a flood.
 */

/** Redraw period on a terminal, ms. */
export const TTY_REDRAW_MS = 100;
/** Line period when stderr is not a terminal, ms. */
export const LOG_LINE_MS = 1000;
const BAR_WIDTH = 24;

export interface LoadProgressLine {
  label: string;
  rowsDone: number;
  rowsTotal: number;
  elapsedMs: number;
}

function rate(rows: number, elapsedMs: number): string {
  return elapsedMs > 0 ? `${Math.round((rows * 1000) / elapsedMs).toLocaleString('en-US')} rows/s` : '- rows/s';
}

/** `[#########...............]  38%`: a done ratio in [0, 1] as a bar and a whole percentage. */
export function progressBar(done: number): string {
  const ratio = Math.min(1, Math.max(0, done));
  const filled = Math.round(ratio * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${`${Math.floor(ratio * 100)}%`.padStart(4)}`;
}

/** `credit_features v7 [#########...............]  38%  38,000/100,000 rows  52,311 rows/s` */
export function formatLoadProgress(p: LoadProgressLine): string {
  return `${p.label} ${progressBar(p.rowsTotal > 0 ? p.rowsDone / p.rowsTotal : 1)}  ${p.rowsDone.toLocaleString('en-US')}/${p.rowsTotal.toLocaleString('en-US')} rows  ${rate(p.rowsDone, p.elapsedMs)}`;
}

/** The closing line of one version's load. */
export function formatLoadOutcome(o: { label: string; status: 'loaded' | 'extended' | 'skipped'; rowsInserted: number; rowsTotal: number; elapsedMs: number; table: string; url: string }): string {
  if (o.status === 'skipped') return `${o.label}: already complete in ${o.table} at ${o.url} (${o.rowsTotal.toLocaleString('en-US')} entities); nothing written`;
  const seconds = (o.elapsedMs / 1000).toFixed(1);
  const verb = o.status === 'loaded' ? 'loaded' : 'extended with';
  return `${o.label}: ${verb} ${o.rowsInserted.toLocaleString('en-US')} rows into ${o.table} at ${o.url} in ${seconds} s (${rate(o.rowsInserted, o.elapsedMs)})`;
}

/** Decides when a progress line is due: always for the last one, else by the period. Pure given `nowMs`. */
export function createProgressThrottle(periodMs: number): (nowMs: number, final: boolean) => boolean {
  let lastMs = -Infinity;
  return (nowMs, final) => {
    if (!final && nowMs - lastMs < periodMs) return false;
    lastMs = nowMs;
    return true;
  };
}
