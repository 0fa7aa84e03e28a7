import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FcbenchError } from '../../src/errors.js';
import { buildPageData } from '../../src/report/page-data.js';
import { renderReport } from '../../src/report/render-report.js';
import { HOSTILE_DESCRIPTION, HOSTILE_NAME, makeHostileResult, makeResult } from './fixture.js';

const realistic = makeResult({ requests: 5_000 });
const page = renderReport([realistic]);

function scriptBodies(doc: string): { attrs: string; body: string }[] {
  return [...doc.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map((m) => ({ attrs: m[1] ?? '', body: m[2] ?? '' }));
}

function csp(doc: string): string {
  const match = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(doc);
  return (match?.[1] ?? '').replace(/&#39;/g, "'");
}

const sha = (body: string) => `'sha256-${createHash('sha256').update(body).digest('base64')}'`;

describe('renderReport: one self-contained page', () => {
  it('has exactly the data block, Chart.js and the page script, each executable one allowed by hash', () => {
    const scripts = scriptBodies(page);
    expect(scripts.map((s) => s.attrs.trim())).toEqual(['type="application/json" id="fcbench-data"', '', '']);
    expect(scripts[1]?.body).toContain('Chart');
    expect(scripts[1]?.body).not.toContain('sourceMappingURL');
    const policy = csp(page);
    expect(policy).toContain("default-src 'none'");
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    expect(policy).toContain(`script-src ${sha(scripts[1]!.body)} ${sha(scripts[2]!.body)};`);
    const style = /<style>([\s\S]*?)<\/style>/.exec(page)?.[1] ?? '';
    expect(policy).toContain(`style-src ${sha(style)};`);
  });

  it('references nothing outside the file', () => {
    expect(page).not.toMatch(/<(link|img|iframe|object|embed)\b/i);
    expect(page).not.toMatch(/\s(src|href)="(?!#)/i);
  });

  it('embeds the chart data as parseable JSON', () => {
    const json = scriptBodies(page)[0]!.body;
    expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(buildPageData([realistic]))));
  });

  it('shows the header, verdict and every section of a single result', () => {
    expect(page).toContain('<h1><span class="scenario-name">credit-features-zipf</span></h1>');
    expect(page).toContain('FAIL — 1 of 3 thresholds failed');
    expect(page).toMatch(/<code>stampede\.maxOriginCallsPerExpiry<\/code>: actual\s+<strong>2<\/strong>, limit &lt;= 1/);
    for (const id of ['latency', 'timeline', 'tiers', 'stampede', 'freshness', 'payload', 'cost']) {
      expect(page).toContain(`id="r0-${id}"`);
    }
    for (const kind of ['spectrum', 'throughput', 'p99', 'hits', 'problems', 'served', 'stampede', 'cost']) {
      expect(page).toContain(`data-chart="${kind}" data-result="0"`);
    }
    expect(page).toContain('v20.20.2');
    expect(page).toContain('7.0.15');
    expect(page).not.toContain('Partial run');
    expect(page).not.toContain('Closed-loop figures.');
  });

  it('warns about partial runs and labels closed-loop figures', () => {
    const closed = renderReport([makeResult({ requests: 1_000, model: 'closed', partial: true })]);
    expect(closed).toContain('<strong>Partial run.</strong>');
    expect(closed).toContain('<strong>Closed-loop figures.</strong>');
    expect(closed).toContain('closed loop, 64 in flight — closed-loop figures');
  });

  it('is deterministic', () => {
    expect(renderReport([realistic])).toBe(page);
  });

  it('uses the given title', () => {
    expect(renderReport([realistic], { title: 'Q4 <review>' })).toContain('<title>Q4 &lt;review&gt;</title>');
  });

  it('throws bad-input without results', () => {
    expect(() => renderReport([])).toThrow(FcbenchError);
  });

  it('renders what it can of a trimmed result file', () => {
    const trimmed = makeResult({ requests: 1_000 }) as unknown as Record<string, unknown>;
    delete trimmed.timeline;
    delete trimmed.stampede;
    const out = renderReport([trimmed as never]);
    expect(out).toMatch(/id="r0-timeline"><h3>Over time<\/h3><p class="note">Not shown: this result file lacks the data/);
    expect(out).toContain('id="r0-latency"');
    expect(out).not.toContain('data-chart="throughput"');
  });
});

describe('renderReport: hostile text stays text', () => {
  const hostile = renderReport([makeHostileResult()]);

  it('never emits the injected markup', () => {
    expect(hostile).not.toContain('<img');
    expect(hostile).not.toContain('<svg');
    expect(hostile).not.toContain('<iframe');
    expect(hostile).not.toMatch(/<link\b/);
    expect(hostile).not.toContain('<b>bold');
    expect(scriptBodies(hostile)).toHaveLength(3);
    expect(hostile.match(/<style>/g)).toHaveLength(1);
  });

  it('shows the name and description escaped', () => {
    expect(hostile).toContain(
      'evil &lt;img src=x onerror=alert(1)&gt; &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;',
    );
    expect(hostile).toContain('desc &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img');
    const data = JSON.parse(scriptBodies(hostile)[0]!.body) as { results: { label: string; events: { label: string }[] }[] };
    expect(data.results[0]?.label).toBe('codec=<b>bold</b>"><svg onload=alert(1)>');
    expect(data.results[0]?.events.map((e) => e.label)).toContain('<img src=x onerror=alert(1)>');
    expect(HOSTILE_NAME).toContain('</script>');
    expect(HOSTILE_DESCRIPTION).toContain('\u2028');
  });
});

describe('renderReport: several results', () => {
  const a = makeResult({ requests: 2_000 });
  const b = makeResult({ requests: 2_000, seed: 5, variant: 'codec.format=json', encodedBytes: 1406 });
  const c = makeResult({ requests: 2_000, seed: 6, variant: 'codec.compression=lz4', encodedBytes: 657 });
  const multi = renderReport([a, b, c]);

  it('has one comparison row per variant with differences to the first', () => {
    expect(multi.match(/<tr data-variant-row>/g)).toHaveLength(3);
    expect(multi).toContain('<span class="tag">baseline</span>');
    // bytes per key: 678 B baseline, 1,496 B for json = +121%
    expect(multi).toMatch(/1\.46 KiB <span class="change worse">\+121%<\/span>/);
    expect(multi).toContain('data-chart="spectrum-compare" data-result="compare"');
  });

  it('puts each variant in a collapsible block with its own charts', () => {
    expect(multi.match(/<details class="variant-details"/g)).toHaveLength(3);
    for (const i of [0, 1, 2]) expect(multi).toContain(`data-chart="spectrum" data-result="${i}"`);
    expect(multi).toContain('<title>fcbench: credit-features-zipf: 3 variants compared</title>');
  });
});
