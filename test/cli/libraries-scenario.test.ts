import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResultDocument } from '../../src/results/result-types.js';
import { usePrivateRedis } from '../helpers/redis.js';
import { readResultFiles, useBuiltCli } from './cli-helpers.js';

/**
 * scenarios/libraries.yaml as shipped: one run, four real cascades (fcbench, bentocache,
 * cache-manager, the example plugin) on the same traffic, one comparison report. Each adapter's
 * counts are checked against what fcbench saw from outside (its source, Redis' commandstats).
 */
const cli = useBuiltCli();
const redis = usePrivateRedis();

describe('scenarios/libraries.yaml', () => {
  it('drives every implementation on identical traffic, with counts that add up, into one comparison report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fcb-libraries-'));
    const out = await cli.run(['run', 'scenarios/libraries.yaml', '--redis', redis.url, '--out', join(dir, 'results'), '--report', join(dir, 'reports'), '--quiet']);
    expect(out.code, out.stderr).toBe(0);
    const results = readResultFiles(join(dir, 'results'));
    const by = (name: string): ResultDocument => results.find((r) => (r.implementation?.name ?? '').endsWith(name))!;
    expect(results.map((r) => r.implementation?.library?.name ?? r.implementation?.name).sort()).toEqual(['bentocache', 'cache-manager', 'fcbench', 'map-ioredis example']);

    for (const r of results) {
      // The same seeded arrivals for each, and the same expire-hot event (one delete per key, whoever sends it).
      expect(r.requests.total + r.load.dropped).toBe(results[0]!.requests.total + results[0]!.load.dropped);
      expect(r.requests.errors).toBe(0);
      expect((r.redis.commands?.['del'] ?? 0) + (r.redis.commands?.['unlink'] ?? 0)).toBe(20);
      expect(r.stampede.expiries.find((e) => e.cause === 'event')?.keys).toBe(20);
      // Request-path origin calls (charged to gets) never exceed what the source itself counted.
      expect(r.timeline.reduce((n, b) => n + b.sourceCalls, 0)).toBeLessThanOrEqual(r.tiers.source.calls);
      expect(r.tiers.source.calls).toBeGreaterThan(0);
    }
    for (const name of ['fcbench', 'bentocache', 'map-ioredis.js']) {
      const { tiers, requests } = by(name);
      expect(tiers.local.lookups).toBe(requests.total);
      expect(tiers.redis.lookups).toBe(tiers.local.lookups - tiers.local.hits);
    }
    // bentocache: every source fetch (fills and grace refreshes) is one L2 SET, seen by Redis.
    const bento = by('bentocache');
    expect(bento.redis.commands?.['set']).toBe(bento.tiers.source.calls);
    expect(bento.freshness.staleServed).toBeGreaterThan(0);
    expect(bento.implementation?.unmappedOptions).toEqual(expect.arrayContaining([expect.stringMatching(/^cascade\.local\.ttl/)]));
    // A per-key lock or coalescing holds an expired hot key to one origin call.
    for (const name of ['fcbench', 'bentocache', 'cache-manager']) expect(by(name).stampede.maxOriginCallsPerExpiry).toBe(1);
    // cache-manager cannot say which store answered: null and listed, not 0.
    const cm = by('cache-manager');
    expect(cm.implementation?.reported).toEqual({ tier: false, stale: true });
    expect(cm.tiers.local.hitRatio).toBeNull();
    expect(cm.latency.byTier.redis).toBeNull();
    expect(cm.implementation?.notReported).toContain('tiers.local.hitRatio');
    expect(cm.redis.commands?.['get']).toBeGreaterThan(0);

    const reports = readdirSync(join(dir, 'reports'));
    expect(reports).toHaveLength(1);
    const html = readFileSync(join(dir, 'reports', reports[0]!), 'utf8');
    expect(html).toContain('Side by side');
    expect(html).toContain('not reported by this implementation');
    expect(html).not.toContain('Not shown: this result file lacks the data');
  });
});
