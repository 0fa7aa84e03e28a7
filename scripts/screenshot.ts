/**
 * `npm run screenshot`: the README's picture, made from a real run of a shipped scenario (never a
 * hand-made fixture). Runs `fcbench run scenarios/quickstart.yaml` through the real CLI against
 * REDIS_URL or a private redis-server, opens the report in Debian's Chromium, opens the collapsed
 * sections, waits for every chart, and writes docs/report-screenshot.png (1280 px wide, the top of
 * the page). `npm run screenshot -- scenarios/stampede.yaml` pictures another scenario.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env['FCBENCH_CHROMIUM'] ?? '/usr/bin/chromium';
// Without the background-networking flags Chromium keeps dialling out on a closed network.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--no-first-run', '--disable-sync', '--disable-quic'];
const OUTPUT = resolve('docs/report-screenshot.png');
const HEIGHT_PX = 2400;

function fail(message: string): never {
  process.stderr.write(`screenshot: ${message}\n`);
  process.exit(1);
}

const scenario = process.argv[2] ?? 'scenarios/quickstart.yaml';
if (!existsSync(CHROMIUM)) fail(`${CHROMIUM} not found (apt-get install chromium, or set FCBENCH_CHROMIUM)`);
const dir = mkdtempSync(join(tmpdir(), 'fcbench-screenshot-'));
try {
  const run = spawnSync(process.execPath, ['dist/src/cli/main.js', 'run', scenario, '--out', dir, '--report', dir, '--quiet'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const report = /^report: (.*\.html)$/m.exec(run.stdout)?.[1];
  // Exit 1 is a failed threshold: the run and its report are still real.
  if ((run.status !== 0 && run.status !== 1) || report === undefined) fail(`fcbench run ${scenario} exited ${run.status}`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: HEIGHT_PX } });
    await page.goto(pathToFileURL(report).href, { waitUntil: 'load' });
    // A string, evaluated in the page: this file is compiled without the DOM's types.
    await page.waitForFunction(`[...document.querySelectorAll('canvas[data-chart]')].every((c) => c.getAttribute('data-drawn') === 'true')`);
    await page.screenshot({ path: OUTPUT, clip: { x: 0, y: 0, width: 1280, height: HEIGHT_PX } });
  } finally {
    await browser.close();
  }
  process.stdout.write(`${OUTPUT} (from ${scenario}, report ${report})\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
