import type { Comparison } from '../../compare/comparison-types.js';
import { orderedMetrics, sidesLine, variantTitle, VERDICT_WORDS, verdictLine } from '../../compare/formats/verdict-words.js';
import { formatChange, formatValue } from '../../compare/format-value.js';
import { html, type SafeHtml } from '../html.js';
import { note, section } from './parts.js';

/**
 * `fcbench report --baseline`: the compare verdicts at the top of the page, in the same words as
 * `fcbench compare` (one verdict line, a table per variant with the method that decided), above
 * the side-by-side section. Every string is escaped by `html`.
 */
export function renderRegressionGate(comparison: Comparison): SafeHtml {
  const tables = comparison.variants.map(
    (variant) => html`<h4>${variantTitle(comparison, variant)}</h4>
${note(sidesLine(comparison, variant))}
<div class="table-wrap"><table class="num gate"><thead><tr><th scope="col">metric</th><th scope="col">baseline</th><th scope="col">candidate</th><th scope="col">change</th><th scope="col">verdict</th><th scope="col">why</th></tr></thead><tbody>${orderedMetrics(
      variant,
    ).map(
      (m) => html`<tr data-gate-metric="${m.metric}"><th scope="row">${m.metric}</th><td>${formatValue(m.unit, m.baseline)}</td><td>${formatValue(m.unit, m.candidate)}</td><td>${formatChange(
        m.unit,
        m.change,
        m.relativeChange,
      )}</td><td class="${m.verdict === 'regressed' ? 'fail' : m.verdict === 'improved' ? 'pass' : ''}">${VERDICT_WORDS[m.verdict]}</td><td>${m.why}</td></tr>`,
    )}</tbody></table></div>`,
  );
  const oneSided = [
    ...comparison.onlyInBaseline.map((v) => `only in the baseline (not compared): ${v || '(no variant)'}`),
    ...comparison.onlyInCandidate.map((v) => `only in the candidate (not compared): ${v || '(no variant)'}`),
  ];
  return section(
    'regression-gate',
    'Regression gate',
    html`<div class="verdict ${comparison.regressed ? 'fail' : 'pass'}"><p class="verdict-line">${verdictLine(comparison)}</p></div>
${tables}
${[...oneSided, ...comparison.notes].map((line) => note(line))}`,
  );
}
