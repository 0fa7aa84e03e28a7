/**
 * Number formatting for the report: units that fit the magnitude (a cache hit is microseconds, a
 * stampede seconds), 3 significant digits below 100 and whole numbers with grouping above, and an
 * em dash for figures that do not exist (no samples, division by zero).
 */
const DASH = '—';

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** `1,234`, `12.3`, `0.00123`: whole numbers from 100 up, 3 significant digits below. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return DASH;
  if (Math.abs(value) >= 100) return grouped.format(Math.round(value));
  if (value === 0) return '0';
  return String(Number(value.toPrecision(3)));
}

/** Whole counts with grouping: `12,345`. */
export function formatCount(value: number): string {
  return Number.isFinite(value) ? grouped.format(Math.round(value)) : DASH;
}

/** A duration given in ms, shown in µs below 1 ms, in ms up to 10 s and in s above. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return DASH;
  if (Math.abs(ms) < 1) return `${formatNumber(ms * 1000)} µs`;
  if (Math.abs(ms) < 10_000) return `${formatNumber(ms)} ms`;
  return `${formatNumber(ms / 1000)} s`;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** Bytes in binary units: `793 B`, `1.46 KiB`, `6 GiB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return DASH;
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${formatNumber(value)} ${BYTE_UNITS[unit] ?? 'B'}`;
}

/** A ratio in [0, 1] as a percentage: `85.3%`. */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return DASH;
  return `${formatNumber(ratio * 100)}%`;
}

/** US dollars with 3 significant digits, enough for the tiny per-1k figures: `$0.000123`. */
export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd)) return DASH;
  return `$${formatNumber(usd)}`;
}

/** Relative change of `value` against `base` as `+12.3%`; `±0%` when equal, dash when undefined. */
export function formatChange(value: number, base: number): string {
  const change = relativeChange(value, base);
  if (change === null) return DASH;
  if (change === 0) return '±0%';
  return `${change > 0 ? '+' : ''}${formatNumber(change * 100)}%`;
}

/** (value - base) / base, null when either is not finite or base is 0 (and value is not). */
export function relativeChange(value: number, base: number): number | null {
  if (!Number.isFinite(value) || !Number.isFinite(base)) return null;
  if (value === base) return 0;
  if (base === 0) return null;
  return (value - base) / Math.abs(base);
}

/** ISO-8601 timestamp shown as `2026-11-25 20:15:05 UTC`. */
export function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC');
}
