import { badInput } from '../errors.js';
import type { ResultDocument } from '../results/result-types.js';
import type { MetricSpec } from './decide-metric.js';
import { catalogMetric, DEFAULT_METRICS, inferMetric, type CatalogMetric } from './metric-catalog.js';
import { resolveMetric } from './thresholds.js';
import { parseTolerance, type Tolerance } from './tolerance.js';

/** `--metrics`: the catalog, every numeric field, or a list of dotted paths. */
export type MetricSelection = 'default' | 'all' | readonly string[];

/** Top-level fields that describe the run rather than measure it; `all` leaves them out. */
const NOT_MEASUREMENTS = new Set(['schemaVersion', 'tool', 'scenario', 'seed', 'startedAt', 'durationMs', 'partial', 'env', 'trial', 'thresholds', 'timeline', 'events', 'serving', 'coldStartSeries']);

/** Every numeric leaf (arrays skipped: they are per-second or per-event, not comparable one to one). */
function numericPaths(doc: object, prefix = '', out: string[] = []): string[] {
  for (const [key, value] of Object.entries(doc)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (prefix === '' && NOT_MEASUREMENTS.has(key)) continue;
    if (typeof value === 'number' && Number.isFinite(value)) out.push(path);
    else if (value !== null && typeof value === 'object' && !Array.isArray(value)) numericPaths(value, path, out);
  }
  return out;
}

function fromCatalog(metric: CatalogMetric, model: 'open' | 'closed', named: boolean): MetricSpec {
  const allowance = model === 'closed' && metric.closed ? metric.closed : metric;
  return {
    path: metric.path,
    label: metric.label,
    unit: metric.unit,
    worse: metric.worse,
    tolerance: parseTolerance(allowance.tolerance),
    minEffect: parseTolerance(allowance.minEffect),
    source: 'default',
    named,
  };
}

function uncatalogued(path: string, named: boolean): MetricSpec {
  const { unit, worse } = inferMetric(path);
  return { path, label: path, unit, worse, tolerance: null, minEffect: null, source: null, named };
}

function parseFlag(path: string, text: string): Tolerance {
  try {
    return parseTolerance(text);
  } catch (cause) {
    throw badInput(`--threshold ${path}=${text}: ${(cause as Error).message}`);
  }
}

/**
 * The metrics to compare, in output order: the selection, then any --threshold metric it did not
 * include. A --threshold replaces both allowances (single-run tolerance and minimum effect): the user
 * has said how much is too much. Throws `bad-input` for a tolerance that does not parse, an unsigned
 * one on a metric of unknown direction, or a named path that no result has a number at.
 */
export function selectMetrics(
  selection: MetricSelection,
  thresholds: Readonly<Record<string, string>>,
  docs: readonly ResultDocument[],
  model: 'open' | 'closed',
): MetricSpec[] {
  const specs = new Map<string, MetricSpec>();
  const named = new Set<string>([...(Array.isArray(selection) ? selection : []), ...Object.keys(thresholds)]);
  if (selection === 'default' || selection === 'all') {
    for (const metric of DEFAULT_METRICS) {
      if (metric.openLoopOnly && model !== 'open') continue;
      specs.set(metric.path, fromCatalog(metric, model, false));
    }
  }
  if (selection === 'all') {
    for (const doc of docs) for (const path of numericPaths(doc)) if (!specs.has(path)) specs.set(path, uncatalogued(path, false));
  } else if (Array.isArray(selection)) {
    for (const path of selection as readonly string[]) {
      const metric = catalogMetric(path);
      specs.set(path, metric ? fromCatalog(metric, model, true) : uncatalogued(path, true));
    }
  }
  for (const [path, text] of Object.entries(thresholds)) {
    const tolerance = parseFlag(path, text);
    const base = specs.get(path) ?? (catalogMetric(path) ? fromCatalog(catalogMetric(path)!, model, true) : uncatalogued(path, true));
    const worse = tolerance.worse ?? base.worse;
    if (worse === null) {
      throw badInput(`--threshold ${path}=${text}: which way is worse is not known for ${path}; sign the tolerance (+ a rise is worse, - a fall is worse)`);
    }
    specs.set(path, { ...base, worse, tolerance, minEffect: tolerance, source: 'flag', named: true });
  }
  for (const path of named) {
    if (!docs.some((doc) => resolveMetric(doc, path) !== null)) {
      const flag = path in thresholds ? `--threshold ${path}=${thresholds[path]!}` : `--metrics ${path}`;
      throw badInput(`${flag}: no result has a number at "${path}" (a dotted path into the result, e.g. latency.endToEnd.p99)`);
    }
  }
  return [...specs.values()];
}
