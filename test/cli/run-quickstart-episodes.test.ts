import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResultDocument } from '../../src/results/result-types.js';
import { usePrivateRedis } from '../helpers/redis.js';
import { useBuiltCli } from './cli-helpers.js';

const cli = useBuiltCli();
const redis = usePrivateRedis();

// The quickstart as shipped, shortened: TTL 15 min in a few-second run, so no key can expire; every
// episode but the expire-hot event's is a cold miss (or an eviction), and none may read as expiry.
describe('fcbench run scenarios/quickstart.yaml, shortened', () => {
  it('reports cold misses as cold, no natural expiries, and lists no one-call cold misses', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fcb-quickstart-'));
    const out = await cli.run(
      [
        'run', 'scenarios/quickstart.yaml', '--duration', '3s', '--set', 'warmup=1s', '--set', 'events.0.at=1s',
        '--set', 'thresholds={}', '--out', join(dir, 'results'), '--report', join(dir, 'reports'), '--quiet',
      ],
      { env: { REDIS_URL: redis.url, QUICKSTART_RPS: '1000' } },
    );
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const [file] = readdirSync(join(dir, 'results')).filter((f) => f.endsWith('.json'));
    const result = JSON.parse(readFileSync(join(dir, 'results', file!), 'utf8')) as ResultDocument;
    const s = result.stampede;
    expect(s.episodes?.cold).toBeGreaterThan(0);
    expect(s.episodes?.expired).toBe(0);
    expect(s.naturalExpiries).toBe(0);
    expect(s.episodes?.event).toBe(1);
    expect(s.expiries.filter((e) => e.cause === 'event')).toHaveLength(1);
    expect(s.expiries.filter((e) => e.cause !== 'event' && e.originCalls < 2 && e.waiting === 0)).toEqual([]);
    expect(s.expiries.some((e) => e.cause === 'expired')).toBe(false);
    const [page] = readdirSync(join(dir, 'reports')).filter((f) => f.endsWith('.html'));
    const html = readFileSync(join(dir, 'reports', page!), 'utf8');
    expect(html).toContain('Cold misses');
    expect(html).not.toMatch(/natural expir/i);
  }, 120_000);
});
