import type { Comparison } from '../comparison-types.js';
import { formatChange, formatValue } from '../format-value.js';
import { orderedMetrics, sidesLine, variantTitle, VERDICT_WORDS, verdictLine } from './verdict-words.js';

/** Table cells: no pipes, newlines or HTML from a scenario name can break the table or inject markup. */
function cell(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[|\\`*_<>[\]]/g, (c) => `\\${c}`);
}

/**
 * GitHub-flavoured Markdown: a one-line verdict, then one table per variant. Written to a file, to
 * stdout, and appended to $GITHUB_STEP_SUMMARY by the CLI.
 */
export function renderMarkdown(comparison: Comparison): string {
  const lines = [`### fcbench compare: ${cell(comparison.scenario)}`, '', `**${cell(verdictLine(comparison))}**`];
  for (const variant of comparison.variants) {
    lines.push('', `#### ${cell(variantTitle(comparison, variant))}`, '', cell(sidesLine(comparison, variant)), '');
    lines.push('| metric | baseline | candidate | change | verdict | why |', '| --- | ---: | ---: | ---: | --- | --- |');
    for (const m of orderedMetrics(variant)) {
      const verdict = m.verdict === 'regressed' ? `**${VERDICT_WORDS[m.verdict]}**` : VERDICT_WORDS[m.verdict];
      lines.push(
        `| ${cell(m.metric)} | ${cell(formatValue(m.unit, m.baseline))} | ${cell(formatValue(m.unit, m.candidate))} | ${cell(formatChange(m.unit, m.change, m.relativeChange))} | ${verdict} | ${cell(m.why)} |`,
      );
    }
  }
  const oneSided = [
    ...comparison.onlyInBaseline.map((v) => `- only in the baseline (not compared): ${cell(v || '(no variant)')}`),
    ...comparison.onlyInCandidate.map((v) => `- only in the candidate (not compared): ${cell(v || '(no variant)')}`),
  ];
  if (oneSided.length > 0) lines.push('', ...oneSided);
  if (comparison.notes.length > 0) lines.push('', ...comparison.notes.map((n) => `> ${cell(n)}`));
  return `${lines.join('\n')}\n`;
}
