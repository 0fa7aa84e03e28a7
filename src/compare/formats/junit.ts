import type { Comparison } from '../comparison-types.js';
import { formatChange, formatValue } from '../format-value.js';
import { variantTitle, verdictLine } from './verdict-words.js';

/** XML 1.0 text: the five entities escaped, characters XML cannot carry dropped. */
function xml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * JUnit XML as GitLab (`artifacts:reports:junit`) and Jenkins read it: one testsuite per variant,
 * one testcase per metric, a `<failure>` per regression, `<skipped>` for metrics that are not gated
 * (info, missing) and for variants on one side only.
 */
export function renderJunit(comparison: Comparison): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  for (const variant of comparison.variants) {
    const classname = `fcbench.compare.${comparison.scenario}${variant.variant === '' ? '' : `.${variant.variant}`}`;
    const cases = variant.metrics.map((m) => {
      const summary = `${m.metric}: ${formatValue(m.unit, m.baseline)} -> ${formatValue(m.unit, m.candidate)} (${formatChange(m.unit, m.change, m.relativeChange)})`;
      const open = `    <testcase classname="${xml(classname)}" name="${xml(m.metric)}" time="0">`;
      if (m.verdict === 'regressed') return `${open}\n      <failure type="regression" message="${xml(`${summary}: ${m.why}`)}">${xml(`${summary}\n${m.why}`)}</failure>\n    </testcase>`;
      if (m.verdict === 'info' || m.verdict === 'missing') return `${open}\n      <skipped message="${xml(m.why)}"/>\n    </testcase>`;
      return `${open}\n      <system-out>${xml(`${summary}: ${m.why}`)}</system-out>\n    </testcase>`;
    });
    const failed = variant.metrics.filter((m) => m.verdict === 'regressed').length;
    const skipped = variant.metrics.filter((m) => m.verdict === 'info' || m.verdict === 'missing').length;
    tests += variant.metrics.length;
    failures += failed;
    suites.push(
      `  <testsuite name="${xml(`fcbench compare: ${variantTitle(comparison, variant)}`)}" tests="${variant.metrics.length}" failures="${failed}" errors="0" skipped="${skipped}" time="0">\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  const oneSided = [
    ...comparison.onlyInBaseline.map((v) => ['only in the baseline', v] as const),
    ...comparison.onlyInCandidate.map((v) => ['only in the candidate', v] as const),
  ];
  for (const [where, v] of oneSided) {
    tests += 1;
    const name = `${comparison.scenario}${v === '' ? '' : ` [${v}]`}`;
    suites.push(
      `  <testsuite name="${xml(`fcbench compare: ${name}`)}" tests="1" failures="0" errors="0" skipped="1" time="0">\n    <testcase classname="fcbench.compare.${xml(comparison.scenario)}" name="${xml(`variant ${v || '(none)'}`)}" time="0">\n      <skipped message="${xml(`${where}: not compared`)}"/>\n    </testcase>\n  </testsuite>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xml(`fcbench compare: ${verdictLine(comparison)}`)}" tests="${tests}" failures="${failures}" errors="0" time="0">\n${suites.join('\n')}\n</testsuites>\n`;
}
