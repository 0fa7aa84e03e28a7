import { applyQuantityUnit, tokenizeExpression, type ComparisonOperator } from './expression-tokens.js';

/**
 * Threshold expressions: `"< 15ms"`, `">= 0.3"`, `"<= 2KB"`, `"< 5%"`, `"== 0"`.
 *
 *     expression := ws* operator ws* number ws* unit? ws*
 *     operator   := "<" | "<=" | ">" | ">=" | "==" | "!="
 *     unit       := duration unit (-> ms) | size unit (-> bytes) | "%" (-> /100)
 *
 * A real tokenizer rather than a split on the first operator character: `"<= 5"` must not read as
 * `<` and `"= 5"`, and every malformed input gets a message that says what is allowed. The tokens
 * (and the units) are shared with compare tolerances: src/scenario/expression-tokens.ts.
 */
export type ThresholdOp = ComparisonOperator;

export interface ThresholdExpression {
  op: ThresholdOp;
  /** The limit in the metric's base unit: milliseconds for durations, bytes for sizes, a fraction for `%`. */
  limit: number;
}

export const THRESHOLD_HELP =
  'an operator (<, <=, >, >=, ==, !=) then a number with an optional unit (us, ms, s, m, h -> milliseconds; B, KB, MB, GB -> bytes; % -> fraction), e.g. "< 15ms", "> 0.3", "<= 2KB", "< 5%"';

/** JSON Schema pattern for editors; `parseThresholdExpression` is the truth. */
export const THRESHOLD_PATTERN = '^\\s*(?:<=|>=|==|!=|<|>)\\s*[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?\\s*(?:%|[A-Za-zµμ]+)?\\s*$';

/** The number in the metric's base unit, or undefined for an unknown unit. */
function applyUnit(value: number, unit: string): number | undefined {
  return unit === '%' ? value / 100 : applyQuantityUnit(value, unit);
}

function fail(expr: string, problem: string): never {
  throw new Error(`${problem} in threshold ${JSON.stringify(expr)}; expected ${THRESHOLD_HELP}`);
}

/** Parses one threshold expression; throws an Error naming what was wrong and what is allowed. */
export function parseThresholdExpression(expr: string): ThresholdExpression {
  const tokens = tokenizeExpression(expr);
  const [opToken, numberToken, unitToken, extra] = tokens;
  if (!opToken) fail(expr, 'empty expression');
  if (opToken.kind !== 'op') {
    const hint = opToken.text === '=' ? ' ("=" alone is not an operator: use ==)' : '';
    fail(expr, `expected an operator first, got "${opToken.text}"${hint}`);
  }
  if (!numberToken) fail(expr, `missing the number after "${opToken.text}"`);
  if (numberToken.kind !== 'number') {
    const hint = numberToken.text === '=' ? ' ("=<" and "=>" are not operators: use <= or >=)' : '';
    fail(expr, `expected a number after "${opToken.text}", got "${numberToken.text}"${hint}`);
  }
  const value = Number(numberToken.text);
  if (!Number.isFinite(value)) fail(expr, `"${numberToken.text}" is not a finite number`);
  let limit = value;
  if (unitToken) {
    if (unitToken.kind !== 'unit') fail(expr, `unexpected "${unitToken.text}" after the number`);
    const converted = applyUnit(value, unitToken.text);
    if (converted === undefined) fail(expr, `unknown unit "${unitToken.text}"`);
    limit = converted;
  }
  if (extra) fail(expr, `unexpected "${extra.text}" at position ${extra.at + 1}`);
  return { op: opToken.text, limit };
}
