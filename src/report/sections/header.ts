import type { ResultDocument, ThresholdResult } from '../../results/result-types.js';
import { formatBytes, formatCount, formatDate, formatMs, formatNumber, formatRatio, formatUsd } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { renderHttpServing } from './http-serving.js';
import { facts } from './parts.js';

/** `open loop, 2,000 req/s (poisson)` / `closed loop, 64 in flight`: what the latency figures mean. */
export function loadModelLabel(result: ResultDocument): string {
  const load = result.load;
  if (load.model === 'closed') {
    return `closed loop${load.concurrency === undefined ? '' : `, ${formatCount(load.concurrency)} in flight`}`;
  }
  const rate = load.rate === undefined ? '' : `, ${formatCount(load.rate)} req/s`;
  return `open loop${rate}${load.arrivals === undefined ? '' : ` (${load.arrivals} arrivals)`}`;
}

/** Formats a threshold figure in the unit its metric path implies (ms, bytes, USD, ratio). */
export function formatMetricValue(metric: string, value: number | null): string {
  if (value === null) return 'missing';
  const leaf = metric.split('.').at(-1) ?? metric;
  if (metric.startsWith('latency.') || /Ms$|^p\d+$|^mean$|^max$/.test(leaf)) return formatMs(value);
  if (/bytes/i.test(leaf) || metric.startsWith('redis.usedMemory')) return formatBytes(value);
  if (metric.startsWith('cost.')) return formatUsd(value);
  if (/ratio$/i.test(leaf)) return `${formatNumber(value)} (${formatRatio(value)})`;
  return formatNumber(value);
}

function thresholdLine(t: ThresholdResult): SafeHtml {
  return html`<li class="${t.passed ? 'pass' : 'fail'}"><span class="mark" aria-hidden="true">${t.passed ? '✔' : '✘'}</span>
<span class="sr">${t.passed ? 'pass' : 'fail'}:</span> <code>${t.metric}</code>: actual
<strong>${formatMetricValue(t.metric, t.actual)}</strong>, limit ${t.expression === '' ? `${t.op} ${formatMetricValue(t.metric, t.limit)}` : t.expression}</li>`;
}

/** PASS/FAIL line with every threshold, actual against limit. */
export function renderVerdict(result: ResultDocument): SafeHtml {
  const thresholds = result.thresholds;
  if (thresholds.length === 0) return html`<div class="verdict none">No thresholds set for this scenario.</div>`;
  const failed = thresholds.filter((t) => !t.passed).length;
  const summary =
    failed === 0
      ? `PASS — all ${thresholds.length} threshold${thresholds.length === 1 ? '' : 's'} met`
      : `FAIL — ${failed} of ${thresholds.length} threshold${thresholds.length === 1 ? '' : 's'} failed`;
  return html`<div class="verdict ${failed === 0 ? 'pass' : 'fail'}"><p class="verdict-line">${summary}</p>
<ul class="thresholds">${thresholds.map(thresholdLine)}</ul></div>`;
}

/** The run's identity and conditions: everything needed to judge whether two reports are comparable. */
export function renderHeader(result: ResultDocument, headingLevel: 'h1' | 'h2'): SafeHtml {
  const { scenario, env, load } = result;
  const title = html`<span class="scenario-name">${scenario.name}</span>${
    scenario.variant === '' ? '' : html` <span class="variant">${scenario.variant}</span>`
  }`;
  const heading = headingLevel === 'h1' ? html`<h1>${title}</h1>` : html`<h2>${title}</h2>`;
  const description =
    scenario.description === undefined || scenario.description === ''
      ? ''
      : html`<p class="description">${scenario.description}</p>`;
  const partial = result.partial
    ? html`<div class="banner warning" role="alert"><strong>Partial run.</strong> The run was interrupted; figures cover only the
${formatMs(result.durationMs)} measured before it stopped.</div>`
    : '';
  const simulated =
    result.simulation === undefined
      ? ''
      : html`<div class="banner info"><strong>Simulated.</strong> No Redis, no feature store: the cascade ran on virtual time
(${formatMs(result.simulation.virtualDurationMs)} simulated in ${formatMs(result.simulation.wallMs)}, ${formatCount(Math.round(result.simulation.requestsPerSecond))} requests/s),
latencies from ${result.simulation.latencyFrom === 'default' ? 'the default models' : result.simulation.latencyFrom} and the scenario's source model.${
          result.simulation.warnings.length === 0 ? '' : html` ${result.simulation.warnings.join(' ')}`
        }</div>`;
  const closed =
    load.model === 'closed'
      ? html`<div class="banner info"><strong>Closed-loop figures.</strong> Each worker waits for its previous request, so
latency excludes queueing behind slow requests (coordinated omission) and throughput is what the system sustained, not an offered rate.</div>`
      : '';
  const errorsByKind = Object.entries(result.requests.errorsByKind)
    .map(([kind, n]) => `${kind} ${formatCount(n)}`)
    .join(', ');
  return html`<header class="run">${heading}${description}${partial}${simulated}${closed}${renderHttpServing(result)}${renderVerdict(result)}
${facts([
  ['Variant', scenario.variant === '' ? '(no matrix)' : scenario.variant],
  ['Seed', String(result.seed)],
  ['Started', formatDate(result.startedAt)],
  ['Measured', formatMs(result.durationMs)],
  ['Warmup', `${formatMs(load.warmup.durationMs)}, ${formatCount(load.warmup.requests)} requests`],
  ['Load model', `${loadModelLabel(result)}${load.model === 'closed' ? ' — closed-loop figures' : ''}`],
  ['Throughput', `${formatNumber(result.throughput.achievedRps)} req/s achieved${
    load.model === 'open' ? ` of ${formatNumber(result.throughput.offeredRps)} offered` : ''
  }`],
  ['Requests', `${formatCount(result.requests.total)} (${formatCount(result.requests.errors)} errors${errorsByKind === '' ? '' : `: ${errorsByKind}`})`],
  ['Dropped / schedule lag p99', `${formatCount(load.dropped)} / ${formatMs(load.scheduleLagP99)}`],
  ['Serving', `${result.serving.replicas.length} replica${result.serving.replicas.length === 1 ? '' : 's'}, ${result.serving.routing} routing${result.serving.mode === 'http' ? ', over HTTP' : ''}`],
  ...implementationFacts(result),
  ['Node', env.node],
  env.redis === undefined
    ? ['Redis', 'none: simulated on virtual time (fcbench simulate)']
    : ['Redis', `${env.redis.version} (${env.redis.mode}, ${env.redis.provisioned}, ${env.redis.client})`],
  ...(env.source === undefined
    ? []
    : ([['Feature store', `PostgreSQL ${env.source.serverVersion.split(' ')[0]} (${env.source.table} at ${env.source.url}, ${env.source.client})`]] as [string, string][])),
  ['Machine', `${env.platform}/${env.arch}, ${env.cpus} × ${env.cpuModel}`],
  ['Tool', `${result.tool.name} ${result.tool.version}`],
  ['Scenario hash', scenario.hash.slice(0, 12)],
])}</header>`;
}

/** Whose cascade served, when it is not fcbench's own: the library, and what it could not map or report. */
function implementationFacts(result: ResultDocument): [string, string][] {
  const impl = result.implementation;
  if (impl === undefined || impl.name === 'fcbench') return [];
  const library = impl.library === undefined ? impl.name : `${impl.library.name} ${impl.library.version}`;
  return [
    ['Cascade', `${library} (cascade.implementation ${impl.name})`],
    ['Options with no equivalent', impl.unmappedOptions.length === 0 ? 'none' : impl.unmappedOptions.join('; ')],
    ['Not reported by this implementation', impl.notReported.length === 0 ? 'nothing' : impl.notReported.join(', ')],
  ];
}
