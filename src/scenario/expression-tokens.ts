import { durationToMs, SIZE_UNITS_BYTES } from './units.js';

/**
 * The lexical layer shared by the two small grammars over result metrics: threshold expressions
 * (`< 15ms`, in scenario files and `fcbench run`) and compare tolerances (`+10%`, `+2ms`, `-0.02`,
 * in `fcbench compare`). Both read "a signed number with an optional unit" the same way, so a
 * limit typed in either place means the same milliseconds or bytes.
 */
export type ExpressionToken =
  | { kind: 'op'; text: ComparisonOperator; at: number }
  | { kind: 'number'; text: string; at: number }
  | { kind: 'unit'; text: string; at: number }
  | { kind: 'junk'; text: string; at: number };

export type ComparisonOperator = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** Longest first, so "<=" is one token and never "<" then "=". */
const OPERATORS: readonly ComparisonOperator[] = ['<=', '>=', '==', '!=', '<', '>'];
const NUMBER_RE = /[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/y;
const UNIT_RE = /%|[A-Za-zµμ]+/y;
const SPACE_RE = /\s+/y;

/** Splits an expression into operators, signed numbers, units and anything else (one char each). */
export function tokenizeExpression(expr: string): ExpressionToken[] {
  const tokens: ExpressionToken[] = [];
  let i = 0;
  while (i < expr.length) {
    SPACE_RE.lastIndex = i;
    if (SPACE_RE.exec(expr)) {
      i = SPACE_RE.lastIndex;
      continue;
    }
    const op = OPERATORS.find((candidate) => expr.startsWith(candidate, i));
    if (op) {
      tokens.push({ kind: 'op', text: op, at: i });
      i += op.length;
      continue;
    }
    NUMBER_RE.lastIndex = i;
    const number = NUMBER_RE.exec(expr);
    if (number) {
      tokens.push({ kind: 'number', text: number[0], at: i });
      i = NUMBER_RE.lastIndex;
      continue;
    }
    UNIT_RE.lastIndex = i;
    const unit = UNIT_RE.exec(expr);
    if (unit) {
      tokens.push({ kind: 'unit', text: unit[0], at: i });
      i = UNIT_RE.lastIndex;
      continue;
    }
    tokens.push({ kind: 'junk', text: expr.charAt(i), at: i });
    i += 1;
  }
  return tokens;
}

/**
 * A number with a duration or size unit in the result document's base unit (milliseconds, bytes),
 * or undefined for an unknown unit. `%` is not handled here: a threshold reads it as a fraction,
 * a tolerance as a relative change.
 */
export function applyQuantityUnit(value: number, unit: string): number | undefined {
  const ms = durationToMs(value, unit);
  if (ms !== undefined) return ms;
  const bytesPer = SIZE_UNITS_BYTES[unit.toLowerCase()];
  return bytesPer === undefined ? undefined : value * bytesPer;
}
