import path from 'node:path';
import { badInput } from '../errors.js';
import { writeFileAtomic } from '../results/atomic-write.js';
import { resultStem, safeFileStem, utcStamp } from '../results/file-name.js';
import type { ResultDocument } from '../results/result-types.js';
import { renderReport, type RenderReportOptions } from './render-report.js';

function stampOf(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? 'undated' : utcStamp(date);
}

/**
 * The report's file stem: `resultStem(name, variant, startedAt)` for one result,
 * `<name>-compare-<stamp>` for several, stamped with the latest start so re-rendering the same
 * results overwrites the same file instead of piling up copies.
 */
export function reportStem(results: readonly ResultDocument[]): string {
  const first = results[0];
  if (first === undefined) throw badInput('report: no results to render');
  if (results.length === 1) {
    const started = new Date(first.startedAt);
    return Number.isNaN(started.getTime())
      ? `${safeFileStem(first.scenario.name)}-undated`
      : resultStem(first.scenario.name, first.scenario.variant, started);
  }
  const latest = results.map((r) => r.startedAt).reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));
  return `${safeFileStem(first.scenario.name)}-compare-${stampOf(latest)}`;
}

/**
 * Renders `results` and writes the page to `<dir>/<stem>.html` (creating `dir`), returning the path.
 * Atomic (temp file in `dir`, then rename): a browser reloading the report never sees half a page.
 * `stemHint` replaces the derived stem; it is filtered through `safeFileStem`, so whatever it or the
 * scenario name contains (`../`, `/`, NUL), the file lands inside `dir`.
 */
export async function writeReport(
  results: readonly ResultDocument[],
  dir: string,
  stemHint?: string,
  options: RenderReportOptions = {},
): Promise<string> {
  const file = reportPath(results, dir, stemHint);
  await writeFileAtomic(file, renderReport(results, options));
  return file;
}

/** `<dir>/<stem>.html`, absolute, checked to stay inside `dir`. */
export function reportPath(results: readonly ResultDocument[], dir: string, stemHint?: string): string {
  const stem = stemHint === undefined ? reportStem(results) : safeFileStem(stemHint);
  const root = path.resolve(dir);
  const file = path.join(root, `${stem}.html`);
  const relative = path.relative(root, file);
  // safeFileStem already guarantees this; the check keeps the promise if that function ever changes.
  if (relative.startsWith('..') || path.isAbsolute(relative) || relative.includes(path.sep)) {
    throw badInput(`report: file name ${JSON.stringify(stem)} would leave ${root}`);
  }
  return file;
}
