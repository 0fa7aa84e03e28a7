/**
 * Durations and sizes as people write them in scenario files (`250us`, `5m`, `1.5MB`), parsed to
 * the units the code uses: milliseconds (float) and bytes (integer). Pure; throws a plain Error
 * whose message says what is allowed, and the schema turns it into a located problem.
 */

/** Milliseconds per duration unit. Units are case-sensitive: `m` is minutes, there is no `M`. */
export const DURATION_UNITS_MS: Readonly<Record<string, number>> = {
  us: 0.001,
  'µs': 0.001, // U+00B5 micro sign
  'μs': 0.001, // U+03BC Greek mu: both look the same, both are typed in the wild
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Bytes per size unit, matched case-insensitively. K = 1024: `KB` and `KiB` are the same. */
export const SIZE_UNITS_BYTES: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1024,
  kib: 1024,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

export const DURATION_HELP = 'a duration: a number and a unit (us, µs, ms, s, m, h), e.g. 250us, 20ms, 5s, 1.5m, 1h';
export const SIZE_HELP = 'a size: bytes as an integer, or a number and a unit (B, KB, MB, GB, KiB, MiB, GiB; K = 1024), e.g. 512B, 2KB, 1.5MB';

const NUMBER = '-?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)';
const DURATION_RE = new RegExp(`^\\s*(${NUMBER})\\s*([a-zµμ]*)\\s*$`);
const SIZE_RE = new RegExp(`^\\s*(${NUMBER})\\s*([A-Za-z]*)\\s*$`);

/** JSON Schema patterns for editors (the zod schema stays the truth; these only help completion). */
export const DURATION_PATTERN = '^\\s*(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)\\s*(?:us|µs|μs|ms|s|m|h)\\s*$';
export const SIZE_PATTERN = '^\\s*(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)\\s*(?:[Bb]|[KkMmGgTt][Ii]?[Bb])?\\s*$';

/** Renders a raw input for a message: strings quoted, everything else as YAML would show it. */
function shown(input: string | number): string {
  return typeof input === 'string' ? JSON.stringify(input) : String(input);
}

/**
 * `"250us"` -> 0.25, `"1.5m"` -> 90000, `0` or `"0"` -> 0. A bare non-zero number is refused:
 * whether `30` meant seconds or milliseconds is exactly the ambiguity units exist to remove.
 * Negative values parse (so range errors can say "must be > 0"); callers check the range.
 */
export function parseDurationMs(input: string | number): number {
  if (typeof input === 'number') {
    if (input === 0) return 0;
    throw new Error(`expected ${DURATION_HELP} (got ${shown(input)}: a bare number has no unit)`);
  }
  const match = DURATION_RE.exec(input);
  if (!match) throw new Error(`expected ${DURATION_HELP} (got ${shown(input)})`);
  const value = Number(match[1]);
  const unit = match[2] ?? '';
  if (unit === '') {
    if (value === 0) return 0;
    throw new Error(`expected ${DURATION_HELP} (got ${shown(input)}: the unit is missing)`);
  }
  const ms = durationToMs(value, unit);
  if (ms === undefined) throw new Error(`unknown duration unit "${unit}" in ${shown(input)}; use us, µs, ms, s, m or h`);
  return ms;
}

/**
 * `value` in `unit` as milliseconds, or undefined for an unknown unit. Microseconds divide rather
 * than multiply by 0.001 so that `250us` is exactly 0.25.
 */
export function durationToMs(value: number, unit: string): number | undefined {
  const factor = DURATION_UNITS_MS[unit];
  if (factor === undefined) return undefined;
  return factor < 1 ? value / Math.round(1 / factor) : value * factor;
}

/**
 * `"2KB"` -> 2048, `"1.5MB"` -> 1572864, `4096` or `"4096"` -> 4096. Results are whole bytes:
 * a fractional result (`"1.1KB"`) is rounded to the nearest byte.
 */
export function parseSizeBytes(input: string | number): number {
  if (typeof input === 'number') {
    if (!Number.isInteger(input)) throw new Error(`expected ${SIZE_HELP} (got ${shown(input)}: bytes must be a whole number)`);
    return input;
  }
  const match = SIZE_RE.exec(input);
  if (!match) throw new Error(`expected ${SIZE_HELP} (got ${shown(input)})`);
  const value = Number(match[1]);
  const unit = (match[2] ?? '').toLowerCase();
  if (unit === '') {
    if (!Number.isInteger(value)) throw new Error(`expected ${SIZE_HELP} (got ${shown(input)}: bytes must be a whole number)`);
    return value;
  }
  const factor = SIZE_UNITS_BYTES[unit];
  if (factor === undefined) throw new Error(`unknown size unit "${match[2]}" in ${shown(input)}; use B, KB, MB, GB, KiB, MiB or GiB`);
  return Math.round(value * factor);
}

/** Milliseconds back to the largest whole unit, for messages: 900000 -> "15m", 0.25 -> "250us". */
export function formatDurationMs(ms: number): string {
  if (ms !== 0 && Number.isInteger(ms)) {
    if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
    if (ms % 60_000 === 0) return `${ms / 60_000}m`;
    if (ms % 1000 === 0) return `${ms / 1000}s`;
  }
  if (ms !== 0 && Math.abs(ms) < 1) return `${Math.round(ms * 1_000_000) / 1000}us`;
  return `${ms}ms`;
}
