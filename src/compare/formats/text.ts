import type { Comparison } from '../comparison-types.js';
import { formatChange, formatValue } from '../format-value.js';
import { orderedMetrics, sidesLine, variantTitle, VERDICT_WORDS, verdictLine } from './verdict-words.js';

function table(rows: readonly string[][]): string[] {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => [...(r[col] ?? '')].length)));
  return rows.map((r) => r.map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col]!))).join('  ').trimEnd());
}

/** The terminal table: per variant, metric / baseline / candidate / change / verdict / why. */
export function renderText(comparison: Comparison): string {
  const lines = [`fcbench compare: ${comparison.scenario}: ${verdictLine(comparison)}`];
  for (const variant of comparison.variants) {
    lines.push('', `${variantTitle(comparison, variant)} (${sidesLine(comparison, variant)})`);
    const rows = [['metric', 'baseline', 'candidate', 'change', 'verdict', 'why']];
    for (const m of orderedMetrics(variant)) {
      rows.push([m.metric, formatValue(m.unit, m.baseline), formatValue(m.unit, m.candidate), formatChange(m.unit, m.change, m.relativeChange), VERDICT_WORDS[m.verdict], m.why]);
    }
    lines.push(...table(rows));
  }
  for (const v of comparison.onlyInBaseline) lines.push('', `only in the baseline (not compared): ${v === '' ? '(no variant)' : v}`);
  for (const v of comparison.onlyInCandidate) lines.push('', `only in the candidate (not compared): ${v === '' ? '(no variant)' : v}`);
  for (const note of comparison.notes) lines.push(`note: ${note}`);
  return `${lines.join('\n')}\n`;
}
