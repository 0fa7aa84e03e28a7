import type { ResultDocument } from '../../results/result-types.js';
import { compareColumns, type CompareMetric } from '../compare-columns.js';
import { formatChange, relativeChange } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { resultLabel } from '../page-data.js';
import { NOT_REPORTED } from '../not-reported.js';
import { chart, note, section } from './parts.js';

function cell(metric: CompareMetric, result: ResultDocument, base: ResultDocument, isBase: boolean): SafeHtml {
  const value = metric.get(result);
  if ((value as number | null) === null) return html`<td>${NOT_REPORTED}</td>`;
  if (isBase) return html`<td>${metric.format(value)}</td>`;
  const baseValue = metric.get(base);
  const change = relativeChange(value, baseValue);
  const tone =
    change === null || change === 0 ? 'same' : (change < 0) === (metric.better === 'lower') ? 'better' : 'worse';
  return html`<td>${metric.format(value)} <span class="change ${tone}">${formatChange(value, baseValue)}</span></td>`;
}

function verdictCell(result: ResultDocument): SafeHtml {
  const failed = result.thresholds.filter((t) => !t.passed).length;
  if (result.thresholds.length === 0) return html`<td>—</td>`;
  return failed === 0
    ? html`<td class="pass">pass</td>`
    : html`<td class="fail">${failed} failed</td>`;
}

/**
 * One row per variant with its key figures and the difference to the first (the baseline). The
 * columns follow what the variants vary (compare-columns.ts): a stampede matrix shows origin calls
 * per expiry, waiters and stale serves, a codec matrix encoded bytes and decode time.
 */
export function renderComparison(results: readonly ResultDocument[]): SafeHtml {
  const base = results[0];
  if (base === undefined) return html``;
  const columns = compareColumns(results);
  const rows = results.map(
    (r, i) => html`<tr data-variant-row><th scope="row"><a href="#r${i}-details">${resultLabel(r)}</a>${
      r.partial ? html` <span class="tag warning">partial</span>` : ''
    }${r.load.model === 'closed' ? html` <span class="tag">closed loop</span>` : ''}${
      i === 0 ? html` <span class="tag">baseline</span>` : ''
    }</th>${columns.map((m) => cell(m, r, base, i === 0))}${verdictCell(r)}</tr>`,
  );
  const names = new Set(results.map((r) => r.scenario.name));
  return section(
    'comparison',
    'Side by side',
    html`${names.size > 1 ? note('These results come from different scenarios; compare with care.') : ''}
<div class="table-wrap"><table class="num compare"><thead><tr><th scope="col">variant</th>${columns.map(
      (m) => html`<th scope="col">${m.label}</th>`,
    )}<th scope="col">thresholds</th></tr></thead><tbody>${rows}</tbody></table></div>
${note(html`Differences are relative to the first row; <span class="change better">green</span> is better, <span class="change worse">red</span> worse.`)}
${chart('spectrum-compare', 'compare', 'End-to-end latency spectra of every variant', 'End-to-end latency by percentile, every variant overlaid. Log scale.')}`,
  );
}
