import type { Comparison } from '../compare/comparison-types.js';
import { badInput } from '../errors.js';
import { redactSecrets } from '../redact.js';
import type { ResultDocument } from '../results/result-types.js';
import { chartJsSource } from './chart-bundle.js';
import { CLIENT_SCRIPT } from './client-script.js';
import { assertInlineSafe, cspHash, jsonForScript } from './escape.js';
import { html, raw, type SafeHtml } from './html.js';
import { buildPageData, resultLabel, type PageData } from './page-data.js';
import { renderComparison } from './sections/comparison.js';
import { renderColdStartComparison } from './sections/cold-starts.js';
import { renderRegressionGate } from './sections/regression-gate.js';
import { renderResultBody, SECTIONS } from './sections/result-body.js';
import { REPORT_CSS } from './styles.js';

export interface RenderReportOptions {
  /** Page title. @default `fcbench: <scenario> [<variant>]`, or `fcbench: <scenario>: N variants compared` */
  title?: string;
  /** `fcbench report --baseline`: compare verdicts shown at the top, above the side-by-side section. */
  comparison?: Comparison;
}

function defaultTitle(results: readonly ResultDocument[]): string {
  const first = results[0];
  if (first === undefined) return 'fcbench report';
  if (results.length === 1) return `fcbench: ${first.scenario.name}${first.scenario.variant === '' ? '' : ` [${first.scenario.variant}]`}`;
  return `fcbench: ${first.scenario.name}: ${results.length} variants compared`;
}

function singleBody(result: ResultDocument): SafeHtml {
  const toc = html`<nav class="toc" aria-label="Sections">${SECTIONS.map(([id, title]) => html`<a href="#r0-${id}">${title}</a>`)}</nav>`;
  return renderResultBody(result, 0, 'h1', toc);
}

function verdictTag(result: ResultDocument): SafeHtml {
  if (result.thresholds.length === 0) return html``;
  const failed = result.thresholds.some((t) => !t.passed);
  return html` <span class="tag ${failed ? 'warning' : ''}">${failed ? 'FAIL' : 'PASS'}</span>`;
}

function multiBody(results: readonly ResultDocument[], title: string, comparison?: Comparison): SafeHtml {
  return html`<div class="report-title"><h1>${title}</h1><span class="generated">${results.length} results</span></div>
${comparison === undefined ? '' : renderRegressionGate(comparison)}
${renderComparison(results)}
${renderColdStartComparison(results, results.map(resultLabel))}
${results.map(
  (r, i) => html`<details class="variant-details" id="r${i}-details"><summary>${resultLabel(r)}${verdictTag(r)}</summary>
${renderResultBody(r, i, 'h2')}</details>`,
)}`;
}

/** The Content-Security-Policy: nothing but this page's own inline code, identified by hash. */
function contentSecurityPolicy(scripts: readonly string[], styles: readonly string[]): string {
  return [
    "default-src 'none'",
    `script-src ${scripts.map(cspHash).join(' ')}`,
    `style-src ${styles.map(cspHash).join(' ')}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/**
 * Renders results as ONE self-contained HTML page that works offline from file://: Chart.js and the
 * page script inlined, the chart data as escaped JSON, every scenario/result string HTML-escaped, and
 * a CSP that allows only those inline blocks (by sha256), so even a hostile result file cannot run
 * code or make the page fetch anything. One result gives its full report; several give a side-by-side
 * table and overlaid spectra (the first is the baseline), then each result in a collapsible block.
 * Deterministic: the same results give the same bytes.
 */
export function renderReport(rawResults: readonly ResultDocument[], options: RenderReportOptions = {}): string {
  // Results written before passwords were redacted (or by hand) must not publish one in a page.
  const results = rawResults.map((r) => redactSecrets(r));
  const first = results[0];
  if (first === undefined) throw badInput('report: no results to render');
  const title = options.title ?? defaultTitle(results);
  const data: PageData = buildPageData(results);
  const body = results.length === 1 ? singleBody(first) : multiBody(results, title, options.comparison);
  return renderPage({ title, body, data, version: first.tool.version, footer: `${results.length} result file${results.length === 1 ? '' : 's'}` });
}

/** What one self-contained page holds: its title, body, the JSON its charts read, and the footer's source line. */
export interface PageParts {
  title: string;
  body: SafeHtml;
  /** Read by the page script from `#fcbench-data` (`results[i]` per `data-result="i"`). */
  data: unknown;
  version: string;
  /** `3 result files`: what the page was generated from. */
  footer: string;
}

/** The page shell every fcbench report shares: Chart.js and the page script inlined, the data as escaped JSON, a hash-only CSP. */
export function renderPage(parts: PageParts): string {
  const chartJs = chartJsSource();
  const client = assertInlineSafe(CLIENT_SCRIPT, 'page script');
  const css = assertInlineSafe(REPORT_CSS, 'stylesheet');
  const { title, body, version } = parts;
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy([chartJs, client], [css])}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="${`fcbench ${version}`}">
<title>${title}</title>
<style>${raw(css)}</style>
</head>
<body>
<main>
${body}
<footer>Generated by fcbench ${version} from ${parts.footer}. This page is self-contained: it loads nothing from the network.</footer>
</main>
<script type="application/json" id="fcbench-data">${raw(jsonForScript(parts.data))}</script>
<script>${raw(chartJs)}</script>
<script>${raw(client)}</script>
</body>
</html>
`;
  return page.value;
}
