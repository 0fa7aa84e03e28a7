import { badInput } from '../errors.js';
import type { ThresholdResult } from '../results/result-types.js';
import { parseThresholdExpression, type ThresholdOp } from '../scenario/threshold-expression.js';

/**
 * Threshold evaluation: each metric is a dotted path into the result document
 * (`latency.endToEnd.p99`, `tiers.local.hitRatio`, `stampede.maxOriginCallsPerExpiry`) compared
 * with a parsed expression (`< 15ms`: limits are already in the document's units, ms / bytes /
 * ratio). A path that does not exist, or does not end at a finite number, has `actual: null` and
 * fails: a typo in a gate must never pass silently.
 */

/**
 * The number at a dotted path, or null. Only own properties are followed (so `constructor` or
 * `__proto__` never resolve), and array elements by index (`timeline.0.p99`).
 */
export function resolveMetric(doc: unknown, path: string): number | null {
  if (path === '') return null;
  let node: unknown = doc;
  for (const segment of path.split('.')) {
    if (node === null || typeof node !== 'object' || segment === '' || !Object.hasOwn(node, segment)) return null;
    node = (node as Record<string, unknown>)[segment];
  }
  return typeof node === 'number' && Number.isFinite(node) ? node : null;
}

export function compare(actual: number, op: ThresholdOp, limit: number): boolean {
  switch (op) {
    case '<':
      return actual < limit;
    case '<=':
      return actual <= limit;
    case '>':
      return actual > limit;
    case '>=':
      return actual >= limit;
    case '==':
      return actual === limit;
    case '!=':
      return actual !== limit;
  }
}

/**
 * Evaluates every threshold, in the order given. Throws `bad-input` naming the metric when an
 * expression does not parse (a scenario is validated before the run, so this is for `--threshold`
 * flags and hand-edited files).
 */
export function evaluateThresholds(doc: object, thresholds: Readonly<Record<string, string>>): ThresholdResult[] {
  return Object.entries(thresholds).map(([metric, expression]) => {
    let parsed;
    try {
      parsed = parseThresholdExpression(expression);
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw badInput(`thresholds.${metric}: ${reason}`);
    }
    const actual = resolveMetric(doc, metric);
    return {
      metric,
      op: parsed.op,
      limit: parsed.limit,
      expression,
      actual,
      passed: actual !== null && compare(actual, parsed.op, parsed.limit),
    };
  });
}
