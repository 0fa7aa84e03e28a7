import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareResults } from '../../src/compare/compare-results.js';
import { renderReport } from '../../src/report/render-report.js';
import { useBuiltCli } from '../cli/cli-helpers.js';
import { synthetic } from '../compare/synthetic.js';

const cli = useBuiltCli();

describe('report --baseline: compare verdicts at the top of the page', () => {
  const base = synthetic({ 'tiers.local.hitRatio': 0.6 }, {}, 'base.json');
  const cand = synthetic({ 'tiers.local.hitRatio': 0.3, 'scenario.description': '<script>alert(1)</script>' }, {}, 'cand.json');

  it('renders the gate before the side-by-side section, in compare\'s words, escaped', () => {
    const page = renderReport([base.result, cand.result], { comparison: compareResults([base], [cand]) });
    const gate = page.indexOf('id="regression-gate"');
    expect(gate).toBeGreaterThan(0);
    expect(gate).toBeLessThan(page.indexOf('id="comparison"'));
    expect(page).toMatch(/<div class="verdict fail"><p class="verdict-line">REGRESSED: 1 metric \(tiers\.local\.hitRatio\)<\/p>/);
    expect(page).toMatch(/<tr data-gate-metric="tiers\.local\.hitRatio"><th scope="row">tiers\.local\.hitRatio<\/th><td>0\.600<\/td><td>0\.300<\/td><td>-0\.300<\/td><td class="fail">REGRESSED<\/td><td>tolerance: /);
    expect(page).not.toContain('<script>alert(1)');
  });

  it('fcbench report --baseline base.json cand.json writes that page and exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fcb-report-baseline-'));
    writeFileSync(join(dir, 'base.json'), JSON.stringify(base.result));
    writeFileSync(join(dir, 'cand.json'), JSON.stringify(cand.result));
    const out = await cli.run(['report', '--baseline', join(dir, 'base.json'), join(dir, 'cand.json'), '--out', join(dir, 'page.html')]);
    expect(out.code, out.stderr).toBe(0);
    const page = readFileSync(join(dir, 'page.html'), 'utf8');
    expect(page).toContain('REGRESSED: 1 metric (tiers.local.hitRatio)');
    const bad = await cli.run(['report', '--baseline', join(dir, 'missing.json'), join(dir, 'cand.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/missing\.json: no such file/);
  });
});
