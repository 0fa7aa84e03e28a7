import { applyQuantityUnit, tokenizeExpression } from '../scenario/expression-tokens.js';

/**
 * Compare tolerances: how much worse a metric may get before it counts as a regression.
 *
 *     tolerance := term (ws* term)?          at most one relative and one absolute term
 *     term      := sign? number unit?
 *     sign      := "+" (a rise is the regression) | "-" (a fall is the regression)
 *     unit      := "%" (relative to the baseline) | us ms s m h (-> ms) | B KB MB GB (-> bytes) | none (the metric's own unit)
 *
 * `+10%`, `+2ms`, `-0.02`, `+50% +1`. With two terms a change must exceed both (so `+100% +0.5ms`
 * ignores a p99 doubling from 4 µs to 8 µs but not one from 5 ms to 10 ms). An unsigned tolerance takes
 * the direction the metric is known to have. Tokens and units are the threshold grammar's
 * (src/scenario/expression-tokens.ts), except `%`: a threshold's `5%` is the fraction 0.05, a
 * tolerance's `+5%` is 5% of the baseline value.
 */
export type Worse = 'increase' | 'decrease';

export interface Tolerance {
  /** As written, e.g. `+100% +0.5ms`. */
  text: string;
  /** From the sign; null when unsigned (the metric's known direction applies). */
  worse: Worse | null;
  /** Allowed relative worsening as a fraction of the baseline (0.1 for `+10%`); null when not given. */
  relative: number | null;
  /** Allowed absolute worsening in the metric's unit (ms, bytes, ratio, count); null when not given. */
  absolute: number | null;
}

export const TOLERANCE_HELP =
  'one or two terms, each an optional sign (+ a rise is worse, - a fall is worse) and a number with an optional unit: % (relative to the baseline), us/ms/s (-> ms), B/KB/MB (-> bytes) or none (the metric\'s unit), e.g. "+10%", "+2ms", "-0.02", "+100% +0.5ms"';

function fail(text: string, problem: string): never {
  throw new Error(`${problem} in tolerance ${JSON.stringify(text)}; expected ${TOLERANCE_HELP}`);
}

/** Parses a tolerance; throws an Error naming what was wrong and what is allowed. */
export function parseTolerance(text: string): Tolerance {
  const tokens = tokenizeExpression(text);
  if (tokens.length === 0) fail(text, 'empty tolerance');
  const tolerance: Tolerance = { text: text.trim(), worse: null, relative: null, absolute: null };
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i]!;
    if (token.kind !== 'number') {
      const hint = token.kind === 'op' ? ' (a tolerance has no operator: write "+10%", not "< 10%")' : '';
      fail(text, `expected a number at position ${token.at + 1}, got "${token.text}"${hint}`);
    }
    const value = Number(token.text);
    if (!Number.isFinite(value)) fail(text, `"${token.text}" is not a finite number`);
    const sign = token.text.startsWith('+') ? 'increase' : token.text.startsWith('-') ? 'decrease' : null;
    if (sign !== null) {
      if (tolerance.worse !== null && tolerance.worse !== sign) fail(text, 'the terms have opposite signs');
      tolerance.worse = sign;
    }
    const unit = tokens[i + 1]?.kind === 'unit' ? tokens[i + 1]!.text : undefined;
    i += unit === undefined ? 1 : 2;
    if (unit === '%') {
      if (tolerance.relative !== null) fail(text, 'two relative terms');
      tolerance.relative = Math.abs(value) / 100;
      continue;
    }
    const converted = unit === undefined ? value : applyQuantityUnit(value, unit);
    if (converted === undefined) fail(text, `unknown unit "${unit}"`);
    if (tolerance.absolute !== null) fail(text, 'two absolute terms');
    tolerance.absolute = Math.abs(converted);
  }
  return tolerance;
}

/**
 * How far `candidate` moved in the `worse` direction from `baseline`, and whether that is beyond
 * every term of the tolerance (`exceeds`). `improves` is the mirror: beyond every term the other way.
 */
export function judgeChange(
  tolerance: Pick<Tolerance, 'relative' | 'absolute'>,
  worse: Worse,
  baseline: number,
  candidate: number,
): { worsening: number; exceeds: boolean; improves: boolean } {
  const worsening = worse === 'increase' ? candidate - baseline : baseline - candidate;
  const beyond = (amount: number) =>
    amount > 0 &&
    (tolerance.relative === null || amount > tolerance.relative * Math.abs(baseline)) &&
    (tolerance.absolute === null || amount > tolerance.absolute);
  return { worsening, exceeds: beyond(worsening), improves: beyond(-worsening) };
}
