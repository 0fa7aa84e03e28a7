import { describe, expect, it } from 'vitest';
import { compareColumns, COMMON_METRICS, variedPaths } from '../../../src/report/compare-columns.js';
import { renderComparison } from '../../../src/report/sections/comparison.js';
import type { ResultDocument } from '../../../src/results/result-types.js';
import { makeResult } from '../fixture.js';

function variant(strategy: string, figures: { maxPerExpiry: number; waiting: number | undefined; staleServed: number; errors: number }, assigned = true): ResultDocument {
  const base = makeResult({ requests: 1_000, variant: `stampede.strategy=${strategy}` });
  return {
    ...base,
    scenario: { ...base.scenario, ...(assigned ? { assignments: { 'stampede.strategy': strategy } } : {}) },
    requests: { ...base.requests, errors: figures.errors },
    stampede: { ...base.stampede, strategy, maxOriginCallsPerExpiry: figures.maxPerExpiry, waiting: figures.waiting },
    freshness: { ...base.freshness, staleServed: figures.staleServed },
  };
}

/** Header cells and, per body row, the figure cells (the change under each figure dropped). */
function table(page: string): { head: string[]; rows: string[][] } {
  const cells = (row: string, tag: string) =>
    [...row.matchAll(new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) =>
      (m[1] ?? '').replace(/<span class="change[^"]*">[\s\S]*?<\/span>/g, '').replace(/<[^>]+>/g, '').trim(),
    );
  const head = /<thead>([\s\S]*?)<\/thead>/.exec(page)?.[1] ?? '';
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(page)?.[1] ?? '';
  return { head: cells(head, 'th'), rows: [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => cells(m[1] ?? '', 'td')) };
}

describe('comparison table columns', () => {
  const none = variant('none', { maxPerExpiry: 48, waiting: 0, staleServed: 0, errors: 0 });
  const swr = variant('swr', { maxPerExpiry: 4, waiting: 0, staleServed: 1_234, errors: 0 });

  it('a stampede matrix adds origin calls per expiry, waiters, stale served and errors after the common columns', () => {
    const { head, rows } = table(String(renderComparison([none, swr])));
    const common = COMMON_METRICS.map((m) => m.label);
    expect(head).toEqual(['variant', ...common, 'max origin calls per expiry', 'waiters', 'stale served', 'errors', 'thresholds']);
    const extra = (row: string[] | undefined) => row?.slice(common.length, common.length + 4);
    expect(extra(rows[0])).toEqual(['48', '0', '0', '0']);
    expect(extra(rows[1])).toEqual(['4', '0', '1,234', '0']);
  });

  it('finds what varies from the results themselves when they carry no matrix assignments', () => {
    const separate = [variant('none', { maxPerExpiry: 1, waiting: undefined, staleServed: 0, errors: 0 }, false), variant('redis-lock', { maxPerExpiry: 1, waiting: 7, staleServed: 0, errors: 3 }, false)];
    expect(variedPaths(separate)).toEqual(['stampede.strategy']);
    const { rows } = table(String(renderComparison(separate)));
    const at = COMMON_METRICS.length + 1; // waiters
    expect(rows.map((r) => r[at])).toEqual(['—', '7']); // an older result without the count says so
  });

  it('keeps to the common columns when nothing a group covers varies, and adds codec columns for a codec matrix', () => {
    expect(compareColumns([none, none]).map((m) => m.label)).toEqual(COMMON_METRICS.map((m) => m.label));
    const json = makeResult({ requests: 1_000 });
    const zstd = { ...json, payload: { ...json.payload, compression: 'zstd' }, scenario: { ...json.scenario, assignments: { 'codec.compression': 'zstd' } } };
    const labels = compareColumns([{ ...json, payload: { ...json.payload, compression: 'none' } }, zstd]).map((m) => m.label);
    expect(labels.slice(COMMON_METRICS.length)).toEqual(['encoded bytes', 'compression ratio', 'decode p99', 'encode p99']);
  });
});

describe('comparison columns for a matrix over batch invalidation', () => {
  const publication = (outdated: number, windowMs: number, commands: number) => ({
    at: 4000, featureSet: 'f', version: 'v2', publication: 'post-commit' as const, invalidation: 'delete' as const,
    committedAt: 4500, publishedAt: 4500, appliedAt: 4600, rolledBackAt: null, changedEntities: 100,
    outdatedServed: outdated, uncommittedServed: 0, windowMs, windowByTier: { local: windowMs, redis: 0, source: 0 }, worstReplica: null, redisCommands: commands,
  });
  const withPublication = (invalidation: string, p: ReturnType<typeof publication>): ResultDocument => {
    const base = makeResult({ requests: 1_000, variant: `events[0].invalidation=${invalidation}` });
    return { ...base, scenario: { ...base.scenario, assignments: { 'events[0].invalidation': invalidation } }, freshness: { ...base.freshness, publications: [p] } };
  };

  it('adds outdated serves, the window and the invalidation cost when events[0].invalidation varies', () => {
    const results = [withPublication('ttl-only', publication(1378, 5482, 0)), withPublication('delete', publication(34, 161, 24))];
    expect(variedPaths(results)).toEqual(['events[0].invalidation']);
    const labels = compareColumns(results).map((m) => m.label);
    expect(labels).toEqual(expect.arrayContaining(['outdated served', 'uncommitted served', 'outdated window', 'invalidation Redis commands']));
    const window = compareColumns(results).find((m) => m.label === 'outdated window')!;
    expect(results.map((r) => window.get(r))).toEqual([5482, 161]);
    expect(compareColumns(results).find((m) => m.label === 'outdated served')!.get(makeResult({ requests: 10 }))).toBeNaN();
  });
});
