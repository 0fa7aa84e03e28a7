import type { MetricUnit } from './metric-catalog.js';

/**
 * Numbers as the compare outputs show them: milliseconds below 1 ms as µs (cache hits are
 * microseconds), ratios with three decimals, money with four significant digits. Pure; the
 * machine formats (JSON, BMF, github-action-benchmark) keep raw numbers and never use these.
 */
function significant(value: number, digits = 3): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 10 ** digits) return Math.round(value).toLocaleString('en-US');
  return String(Number(value.toPrecision(digits)));
}

export function formatValue(unit: MetricUnit, value: number | null): string {
  if (value === null) return 'n/a';
  switch (unit) {
    case 'ms':
      return Math.abs(value) < 1 && value !== 0 ? `${significant(value * 1000)} µs` : `${significant(value)} ms`;
    case 'ratio':
      return value.toFixed(3);
    case 'count':
      return Number.isInteger(value) ? value.toLocaleString('en-US') : significant(value);
    case 'rps':
      return `${significant(value)}/s`;
    case 'usd':
      return `$${significant(value, 4)}`;
    case 'bytes':
      return Math.abs(value) >= 1024 ? `${significant(value / 1024)} KiB` : `${significant(value)} B`;
    case 'number':
      return significant(value);
  }
}

/** `+612%`, `-0.042` (ratios change in absolute points), `+3 µs`; `n/a` when a side is missing. */
export function formatChange(unit: MetricUnit, change: number | null, relative: number | null): string {
  if (change === null) return 'n/a';
  if (unit === 'ratio') return `${change >= 0 ? '+' : ''}${change.toFixed(3)}`;
  if (relative === null) return change === 0 ? '0' : `${change > 0 ? '+' : '-'}${formatValue(unit, Math.abs(change))}`;
  const percent = relative * 100;
  const shown = Math.abs(percent) >= 10 ? Math.round(percent).toString() : percent.toFixed(1);
  return `${percent >= 0 ? '+' : ''}${shown}%`;
}

/** A signed difference in the metric's unit, for intervals: `+1.2 ms`, `-0.010`. */
export function formatDelta(unit: MetricUnit, delta: number): string {
  if (unit === 'ratio') return `${delta >= 0 ? '+' : ''}${delta.toFixed(3)}`;
  return `${delta >= 0 ? '+' : '-'}${formatValue(unit, Math.abs(delta))}`;
}
