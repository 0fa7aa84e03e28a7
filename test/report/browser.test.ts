/**
 * The reports in a real browser (Debian's Chromium, never a downloaded one): charts drawn, no
 * console or CSP errors, no network requests, hostile text shown as text. These pages are fixtures;
 * the README's picture comes from a real run (`npm run screenshot`).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisResult } from '../../src/analyze/analyze-log.js';
import { createLogAnalyzer } from '../../src/analyze/log-analysis.js';
import { capacityResult } from '../../src/capacity/capacity-result.js';
import { DistanceHistogram } from '../../src/capacity/distance-histogram.js';
import { renderAnalysisReport } from '../../src/report/analysis-report.js';
import { coldStartsOf, coldStartSeriesOf } from '../../src/metrics/cold-starts.js';
import { ShareSeries } from '../../src/metrics/share-series.js';
import { renderReport } from '../../src/report/render-report.js';
import { createKeyChooser } from '../../src/workload/index.js';
import type { ResultDocument } from '../../src/results/result-types.js';
import { fetched, localHit, redisHit } from '../metrics/trace-builder.js';
import { HOSTILE_DESCRIPTION, HOSTILE_NAME } from './fixture.js';
import { STORED_FIXTURES } from './fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--no-first-run', '--disable-sync', '--disable-quic'];

const fixture = (name: string) => STORED_FIXTURES[name]!();

interface Opened {
  page: Page;
  context: BrowserContext;
  problems: string[];
  requests: string[];
  failed: string[];
  dialogs: string[];
  violations(): Promise<string[]>;
}

let browser: Browser;
let dir = '';
const files: Record<string, string> = {};

async function open(file: string, colorScheme: 'light' | 'dark' = 'light'): Promise<Opened> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme });
  const page = await context.newPage();
  const opened: Opened = {
    page, context, problems: [], requests: [], failed: [], dialogs: [],
    violations: () => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations),
  };
  // Runs before the page's own scripts (injected by the browser, not subject to the page's CSP).
  await page.addInitScript(() => {
    const list: string[] = [];
    (window as unknown as { __violations: string[] }).__violations = list;
    document.addEventListener('securitypolicyviolation', (e) => list.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') opened.problems.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => opened.problems.push(`pageerror: ${e.message}`));
  page.on('request', (r) => opened.requests.push(r.url()));
  page.on('requestfailed', (r) => opened.failed.push(`${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('dialog', (d) => { opened.dialogs.push(d.message()); void d.dismiss(); });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return opened;
}

async function openAllAndWait(page: Page): Promise<void> {
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
  await page.waitForFunction(() => [...document.querySelectorAll('canvas[data-chart]')].every((c) => c.getAttribute('data-drawn') === 'true'));
}

/** Per canvas: share of non-transparent pixels, and data points Chart.js holds for it. */
function canvasStats(page: Page): Promise<{ kind: string; painted: number; points: number }[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLCanvasElement>('canvas[data-chart]')].map((canvas) => {
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) painted++;
      const chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: { datasets: { data: unknown[] }[] } } | undefined } }).Chart.getChart(canvas);
      const points = chart?.data.datasets.reduce((n, d) => n + d.data.length, 0) ?? 0;
      return { kind: canvas.getAttribute('data-chart') ?? '', painted: painted / (canvas.width * canvas.height), points };
    }),
  );
}

async function expectClean(o: Opened, file: string): Promise<void> {
  expect(o.problems).toEqual([]);
  expect(await o.violations()).toEqual([]);
  expect(o.requests).toEqual([pathToFileURL(file).href]);
  expect(o.failed).toEqual([]);
  expect(o.dialogs).toEqual([]);
}

/** A fixture with a Redis Cluster's nodes: one master took two thirds of the commands, one died in the run. */
function withClusterNodes(result: ResultDocument): ResultDocument {
  const node = (address: string, role: 'master' | 'replica' | 'unreachable', commandsProcessed: number | null) =>
    ({ address, role, keys: role === 'unreachable' ? null : 900, usedMemory: role === 'unreachable' ? null : 3_000_000, commandsProcessed });
  return {
    ...result,
    redis: { ...result.redis, nodes: [node('127.0.0.1:7000', 'master', 6000), node('127.0.0.1:7001', 'master', 3000), node('127.0.0.1:7002', 'unreachable', null), node('127.0.0.1:7003', 'replica', 4000)] },
  };
}

/** A fixture with miss-ratio curves: Zipf-like distances over 20k keys, through the real capacity code. */
function withCapacity(result: ResultDocument): ResultDocument {
  const histogram = (scale: number) => {
    const h = new DistanceHistogram();
    for (let d = 1; d <= 20_000; d = Math.ceil(d * 1.1)) h.add(d, (scale * 1000) / d);
    h.addCold(scale * 300);
    return h;
  };
  result.capacity = capacityResult({
    histograms: { method: 'exact', sampleRate: 1, local: histogram(2), redis: histogram(1) },
    valueBytes: result.payload.encodedBytes,
    redisBytesPerKey: result.redis.bytesPerKey ?? 1000,
    localEntries: 2000,
    redisKeys: result.redis.keys,
    cost: {
      input: { requests: result.requests.total, sourceCalls: result.tiers.source.calls, achievedRps: result.throughput.achievedRps, redisBytesPerKey: 1000, redisKeys: 9800, vcpus: 0.5 },
      prices: { sourcePerMillionReads: 0.25, redisNodePerHour: 0.226, redisNodeMemory: 6 * 2 ** 30, computePerVcpuHour: 0.04, productionRps: 5000 },
      redisLookups: result.tiers.redis.lookups,
    },
  });
  return result;
}

/** An analysis of a generated, timed Zipf log, through the real analyzer. */
function analysis(): AnalysisResult {
  const analyzer = createLogAnalyzer();
  const chooser = createKeyChooser({ kind: 'zipf', exponent: 1, scramble: true }, 5000, 1);
  for (let i = 0; i < 30_000; i++) analyzer.add({ key: chooser.next()!, tsMs: 1_767_225_600_000 + i * 3 });
  return {
    kind: 'fcbench-analysis', version: 1, tool: { name: 'fcbench', version: 'test' }, startedAt: '2026-12-01T00:00:00.000Z',
    file: 'requests.csv', format: 'csv', timed: true, gzip: false, sizeBytes: 900_000, elapsedMs: 120,
    options: { keyColumn: null, timeColumn: null, valueBytes: null }, ...analyzer.finish(),
  };
}

/**
 * A fixture with cold starts, through the real cold-start code: 1 s of warmup and 4 s measured at
 * 40 requests per 250 ms, a deploy at 2 s. Cold, the local share collapses and climbs back over
 * 1.5 s; `warm` (a warmLocal variant) has no dip.
 */
function withColdStarts(result: ResultDocument, variant: string, warm: boolean): ResultDocument {
  const series = new ShareSeries();
  series.start(0);
  const deployUs = 3_000_000;
  for (let w = 0; w < 20; w++) {
    const startUs = w * 250_000;
    const sinceDeploy = startUs - deployUs;
    const ramp = (fromUs: number) => Math.min(1, (startUs - fromUs) / 1_500_000);
    const localShare = sinceDeploy >= 0 && !warm ? 0.7 * ramp(deployUs) : 0.7 * ramp(0);
    const local = Math.round(40 * localShare);
    const source = startUs < 1_000_000 ? 10 - Math.round(startUs / 100_000) : 1;
    for (let i = 0; i < 40; i++) series.record(i < local ? localHit() : i < 40 - source ? redisHit() : fetched(), startUs + 10_000);
  }
  const marks = [
    { cause: 'start' as const, atUs: 0, servingUs: 0 },
    { cause: 'deploy' as const, atUs: deployUs, servingUs: deployUs + (warm ? 50_000 : 0), ...(warm ? { warmLocal: 1000 } : {}) },
  ];
  const snapshot = series.snapshot();
  result.coldStarts = coldStartsOf(snapshot, marks, 5_000_000, 1_000_000);
  result.coldStartSeries = coldStartSeriesOf(snapshot, 5_000_000, 1_000_000);
  result.scenario = { ...result.scenario, variant };
  return result;
}

describe.skipIf(!existsSync(CHROMIUM))(`reports in Chromium (${CHROMIUM})`, () => {
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    dir = await mkdtemp(path.join(tmpdir(), 'fcbench-browser-'));
    const pages: Record<string, string> = {
      single: renderReport([fixture('result-realistic.json')]),
      hostile: renderReport([fixture('result-hostile.json')]),
      multi: renderReport([fixture('result-realistic.json'), fixture('result-variant-json.json'), fixture('result-closed-partial.json')]),
      capacity: renderReport([withCapacity(fixture('result-realistic.json'))]),
      cluster: renderReport([withClusterNodes(fixture('result-realistic.json'))]),
      analysis: renderAnalysisReport(analysis()),
      coldStarts: renderReport([
        withColdStarts(fixture('result-realistic.json'), 'events.0.warmLocal=0', false),
        withColdStarts(fixture('result-realistic.json'), 'events.0.warmLocal=1000', true),
      ]),
    };
    for (const [name, content] of Object.entries(pages)) {
      files[name] = path.join(dir, `${name}.html`);
      await writeFile(files[name], content);
    }
  });
  afterAll(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('draws the capacity charts: miss-ratio curves with the configured size, cost against Redis size', async () => {
    const o = await open(files.capacity!);
    await openAllAndWait(o.page);
    const stats = (await canvasStats(o.page)).filter((s) => s.kind === 'mrc' || s.kind === 'capacity-cost');
    expect(stats.map((s) => s.kind)).toEqual(['mrc', 'capacity-cost']);
    for (const s of stats) {
      expect(s.painted, s.kind).toBeGreaterThan(0.01);
      expect(s.points, s.kind).toBeGreaterThan(10);
    }
    await expectClean(o, files.capacity!);
  });

  it('draws the Redis Cluster balance: a table of every node and a bar chart of the serving ones', async () => {
    const o = await open(files.cluster!);
    const rows = await o.page.evaluate(() =>
      [...document.querySelectorAll('table')].flatMap((t) => [...t.querySelectorAll('tbody tr')].map((tr) => tr.children[1]?.textContent)).filter((role) => role === 'master' || role === 'replica' || role === 'unreachable'),
    );
    expect(rows).toEqual(['master', 'master', 'unreachable', 'replica']);
    expect(await o.page.textContent('body')).toContain('The busiest node took 66.7% of the commands');
    await openAllAndWait(o.page);
    const stats = (await canvasStats(o.page)).filter((s) => s.kind === 'redis-nodes');
    expect(stats).toHaveLength(1);
    expect(stats[0]!.painted).toBeGreaterThan(0.01);
    await expectClean(o, files.cluster!);
  });

  it('draws the request-log analysis: rank-frequency with the fit, the exact curve, rate and reuse', async () => {
    const o = await open(files.analysis!);
    await openAllAndWait(o.page);
    const stats = await canvasStats(o.page);
    expect(stats.map((s) => s.kind)).toEqual(['log-rank', 'log-mrc', 'log-rate', 'log-reuse']);
    for (const s of stats) {
      expect(s.painted, s.kind).toBeGreaterThan(0.01);
      expect(s.points, s.kind).toBeGreaterThanOrEqual(7);
    }
    await expectClean(o, files.analysis!);
  });

  it('draws the cold starts: every variant on one chart with deploy and time-to-steady markers, and each variant its own', async () => {
    const o = await open(files.coldStarts!);
    const rows = await o.page.evaluate(() =>
      [...document.querySelectorAll('#cold-start-comparison tbody tr')].map((tr) => [...tr.children].slice(0, 2).map((c) => c.textContent)),
    );
    expect(rows).toEqual([
      ['events.0.warmLocal=0', 'start'],
      ['events.0.warmLocal=0', 'deploy'],
      ['events.0.warmLocal=1000', 'start'],
      ['events.0.warmLocal=1000', 'deploy (warmLocal 1,000)'],
    ]);
    await openAllAndWait(o.page);
    const stats = (await canvasStats(o.page)).filter((s) => s.kind.startsWith('cold-start'));
    expect(stats.map((s) => s.kind)).toEqual(['cold-start-compare', 'cold-start', 'cold-start']);
    for (const s of stats) expect(s.painted, s.kind).toBeGreaterThan(0.01);
    // Two variants x (served, local) x 20 windows on the shared chart; one variant's pair on its own.
    expect(stats.map((s) => s.points)).toEqual([80, 40, 40]);
    const marks = await o.page.evaluate(() => {
      const data = JSON.parse(document.getElementById('fcbench-data')!.textContent!) as { coldStartCompare: { deploys: unknown[]; steady: { label: string }[] }[] };
      return data.coldStartCompare.map((c) => ({ deploys: c.deploys.length, steady: c.steady.length }));
    });
    expect(marks).toEqual([{ deploys: 1, steady: 2 }, { deploys: 1, steady: 2 }]);
    // The cold variant's local share took longer to come back than the warm one's.
    const localTimes = await o.page.evaluate(() =>
      [...document.querySelectorAll('#cold-start-comparison tbody tr')].map((tr) => tr.children[8]?.textContent ?? ''),
    );
    expect(Number.parseFloat(localTimes[1]!.replace(/,/g, ''))).toBeGreaterThan(Number.parseFloat(localTimes[3]!.replace(/,/g, '')));
    await expectClean(o, files.coldStarts!);
    await o.context.close();
  });

  it('draws every chart of a single-result report with no errors, CSP violations or requests', async () => {
    const o = await open(files.single!);
    await openAllAndWait(o.page);
    const stats = await canvasStats(o.page);
    expect(stats.map((s) => s.kind)).toEqual(['spectrum', 'throughput', 'p99', 'hits', 'problems', 'served', 'stampede', 'cost']);
    for (const s of stats) {
      expect(s.painted, s.kind).toBeGreaterThan(0.01);
      expect(s.points, s.kind).toBeGreaterThan(0);
    }
    expect(await o.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    await expectClean(o, files.single!);
    await o.context.close();
  });

  it('shows hostile scenario text as text and runs none of it', async () => {
    const o = await open(files.hostile!);
    await openAllAndWait(o.page);
    const seen = await o.page.evaluate(() => ({
      h1: document.querySelector('h1 .scenario-name')?.textContent,
      description: document.querySelector('.description')?.textContent,
      injected: document.querySelectorAll('img, svg, iframe, link, b, object, embed').length,
      scripts: document.querySelectorAll('script').length,
      styles: document.querySelectorAll('style').length,
      body: document.body.textContent ?? '',
    }));
    expect(seen.h1).toBe(HOSTILE_NAME);
    expect(seen.description).toBe(HOSTILE_DESCRIPTION);
    expect(seen.injected).toBe(0);
    expect(seen.scripts).toBe(3);
    expect(seen.styles).toBe(1);
    expect(seen.body).toContain('<script>alert(1)</script> 1');
    expect(seen.body).toContain('<iframe src="https://example.com"></iframe>');
    await expectClean(o, files.hostile!);
    await o.context.close();
  });

  it('compares several results: one row per variant, every chart drawn', async () => {
    const o = await open(files.multi!);
    const rows = await o.page.evaluate(() =>
      [...document.querySelectorAll('table.compare tbody tr')].map((tr) => tr.querySelector('th a')?.textContent),
    );
    expect(rows).toEqual(['credit-features-zipf @ 2026-11-25 20:15:05 UTC', 'codec.format=json,codec.compression=none', 'codec.format=msgpack,codec.compression=lz4']);
    // Only the comparison spectrum is visible until a variant is opened.
    expect(await o.page.evaluate(() => document.querySelectorAll('canvas[data-drawn]').length)).toBe(1);
    await openAllAndWait(o.page);
    const stats = await canvasStats(o.page);
    expect(stats).toHaveLength(1 + 3 * 8);
    for (const s of stats) expect(s.painted, s.kind).toBeGreaterThan(0.01);
    expect(await o.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    await expectClean(o, files.multi!);
    await o.context.close();
  });

  it('opens every variant and uses the light palette for printing', async () => {
    const o = await open(files.multi!, 'dark');
    await o.page.emulateMedia({ media: 'print' });
    await o.page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
    await o.page.waitForFunction(() => [...document.querySelectorAll('canvas[data-chart]')].every((c) => c.getAttribute('data-drawn') === 'true'));
    const printing = await o.page.evaluate(() => ({
      closed: document.querySelectorAll('details:not([open])').length,
      chartColor: (window as unknown as { Chart: { defaults: { color: string } } }).Chart.defaults.color,
    }));
    expect(printing).toEqual({ closed: 0, chartColor: '#1b2130' });
    await o.page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
    expect(await o.page.evaluate(() => document.querySelectorAll('details:not([open])').length)).toBe(3);
    await expectClean(o, files.multi!);
    await o.context.close();
  });

  it('follows the dark colour scheme, charts included', async () => {
    const o = await open(files.single!, 'dark');
    const dark = await o.page.evaluate(() => ({
      background: getComputedStyle(document.body).backgroundColor,
      chartColor: (window as unknown as { Chart: { defaults: { color: string } } }).Chart.defaults.color,
    }));
    expect(dark).toEqual({ background: 'rgb(19, 22, 27)', chartColor: '#e5e8ee' });
    await expectClean(o, files.single!);
    await o.context.close();
  });

  it('enforces its CSP: an injected inline script and remote image are blocked', async () => {
    const tampered = path.join(dir, 'tampered.html');
    const page = renderReport([fixture('result-realistic.json')]).replace(
      '</main>',
      '</main><script>document.title = "pwned"</script><img src="http://127.0.0.1:9/x.png">',
    );
    await writeFile(tampered, page);
    const o = await open(tampered);
    expect(await o.page.title()).not.toBe('pwned');
    const violations = await o.violations();
    expect(violations.some((v) => v.startsWith('script-src'))).toBe(true);
    expect(violations.some((v) => v.startsWith('img-src'))).toBe(true);
    // The browser reports the image load, but the CSP stops it before anything leaves the machine.
    expect(o.failed).toHaveLength(1);
    expect(o.failed[0]).toMatch(/^http:\/\/127\.0\.0\.1:9\/x\.png .*csp/i);
    await o.context.close();
  });
});
