import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { usePrivateRedis } from '../helpers/redis.js';
import { startPrivateRedis } from '../../src/redis/private-server.js';
import { useBuiltCli } from '../cli/cli-helpers.js';
import { COMMITTED_AT, featureRows, snapshotPrefix, tempDir, WARM_SCENARIO, writeBoth } from './warm-helpers.js';

const cli = useBuiltCli();
const redis = usePrivateRedis();

/** `fcbench warm` against the private Redis, the test scenario in the shared layout under `prefix`. */
function warm(input: string, prefix: string, ...extra: string[]) {
  return cli.run(['warm', input, '--scenario', WARM_SCENARIO, '--redis', redis.url, '--set', 'cascade.redis.shared=true', '--set', `cascade.redis.keyPrefix=${prefix}`, ...extra]);
}

async function manifest(dir: string, top: number): Promise<string> {
  const file = join(dir, 'warm.manifest');
  const out = await cli.run(['manifest', WARM_SCENARIO, '--top', String(top), '--out', file, '--committed-at', COMMITTED_AT]);
  expect(out.code, out.stderr).toBe(0);
  return file;
}

describe('fcbench warm (spawned CLI, private Redis)', () => {
  it('writes identical bytes when run twice from a manifest (values from the simulated source)', async () => {
    const dir = tempDir();
    const file = await manifest(dir, 600);
    const client = await redis.client();
    const first = await warm(file, 'twice');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/warmed 600 keys under twice/);
    const before = await snapshotPrefix(client, 'twice');
    expect(before.size).toBe(600);
    const again = await warm(file, 'twice');
    expect(again.code).toBe(0);
    expect(await snapshotPrefix(client, 'twice')).toEqual(before);
    // Keys are the scenario's layout and every TTL is set (PX), jitter included.
    const ttls = await Promise.all([...before.keys()].slice(0, 50).map((k) => client.pttl(`twice${k}`)));
    expect(ttls.every((t) => t > 0 && t <= 3_600_000)).toBe(true);
    expect(new Set(ttls.map((t) => Math.round(t / 10_000))).size).toBeGreaterThan(5);
  });

  it('stops cleanly on SIGINT, and a --resume rerun ends equal to an uninterrupted warm', async () => {
    const dir = tempDir();
    const file = await manifest(dir, 3000);
    const client = await redis.client();
    const running = cli.start(['warm', file, '--scenario', WARM_SCENARIO, '--redis', redis.url, '--set', 'cascade.redis.shared=true', '--set', 'cascade.redis.keyPrefix=cut', '--rate', '1000', '--batch', '100']);
    // A line with some keys done (the first one is printed before the first batch is acknowledged).
    await running.stderrMatches(/\s[1-9][\d,]*\/[\d,]+ keys/);
    running.child.kill('SIGINT');
    const stopped = await running.done;
    expect(stopped.code).toBe(130);
    const written = Number(/interrupted: wrote ([\d,]+) keys/.exec(stopped.stdout)?.[1]?.replace(/,/g, ''));
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(3000);
    expect((await snapshotPrefix(client, 'cut')).size).toBe(written);
    const resumed = await warm(file, 'cut', '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`warmed ${(3000 - written).toLocaleString('en-US')} keys`);
    expect(resumed.stdout).toContain(`${written.toLocaleString('en-US')} already there at the same version`);
    const whole = await warm(file, 'whole');
    expect(whole.code).toBe(0);
    expect(await snapshotPrefix(client, 'cut')).toEqual(await snapshotPrefix(client, 'whole'));
  });

  it('a Redis killed mid-warm ends the job with exit 3 and one line saying how many keys were written', async () => {
    const dir = tempDir();
    const file = await manifest(dir, 3000);
    const doomed = await startPrivateRedis();
    try {
      const running = cli.start(['warm', file, '--scenario', WARM_SCENARIO, '--redis', doomed.url, '--set', 'cascade.redis.shared=true', '--set', 'cascade.redis.keyPrefix=dies', '--rate', '1000', '--batch', '100']);
      await running.stderrMatches(/\s[1-9][\d,]*\/[\d,]+ keys/);
      await doomed.kill();
      const failed = await running.done;
      expect(failed.code, failed.stderr).toBe(3);
      const lines = failed.stderr.split('\n').filter((line) => line.startsWith('fcbench:'));
      expect(lines).toHaveLength(1);
      const written = Number(/Redis failed during the warm job after ([\d,]+) keys/.exec(lines[0]!)?.[1]?.replace(/,/g, ''));
      expect(written).toBeGreaterThan(0);
      expect(written).toBeLessThan(3000);
      expect(failed.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await doomed.stop();
    }
  });

  it('writes the same keys and bytes from a Parquet file and an Arrow file of the same rows, and the source\'s bytes', async () => {
    const dir = tempDir();
    const rows = featureRows(700);
    const { parquet, arrow } = await writeBoth(dir, rows);
    const client = await redis.client();
    expect((await warm(parquet, 'pq')).code).toBe(0);
    expect((await warm(arrow, 'ar')).code).toBe(0);
    const fromParquet = await snapshotPrefix(client, 'pq');
    expect(fromParquet.size).toBe(700);
    expect(await snapshotPrefix(client, 'ar')).toEqual(fromParquet);
    // A manifest of the same entities fetched from the simulated store gives the same bytes again.
    const list = join(dir, 'same.manifest');
    writeFileSync(
      list,
      [JSON.stringify({ kind: 'fcbench-manifest', version: 1, featureSet: 'feats', snapshotVersion: 'v3', batchId: 'b1', committedAt: COMMITTED_AT, ranking: 'model' }), ...rows.map((r, i) => JSON.stringify({ entity: r.entity, rank: i, expectedShare: 0 }))].join('\n'),
    );
    expect((await warm(list, 'src')).code).toBe(0);
    expect(await snapshotPrefix(client, 'src')).toEqual(fromParquet);
    // A non-ASCII string is not the flat encoder's: that row takes the library's path, same bytes.
    const odd = featureRows(300);
    (odd[5]!.values as Record<string, unknown>)['s0'] = 'café ☕';
    const oddFiles = await writeBoth(tempDir(), odd);
    expect((await warm(oddFiles.parquet, 'odd-pq')).code).toBe(0);
    expect((await warm(oddFiles.arrow, 'odd-ar')).code).toBe(0);
    expect(await snapshotPrefix(client, 'odd-pq')).toEqual(await snapshotPrefix(client, 'odd-ar'));
  });

  it('refuses bad inputs with exit 2 and one line naming the file and line or column, writing nothing', async () => {
    const dir = tempDir();
    const client = await redis.client();
    const header = { kind: 'fcbench-manifest', version: 1, featureSet: 'feats', snapshotVersion: 'v3', batchId: 'b', committedAt: COMMITTED_AT, ranking: 'model' };
    const cases: [string, string | (() => Promise<string>), RegExp][] = [
      ['not a manifest header', JSON.stringify({ kind: 'something-else' }) + '\n{"entity":"1","rank":0,"expectedShare":0.1}\n', /bad\.1\.manifest:1: kind: expected "fcbench-manifest"/],
      ['another feature set', JSON.stringify({ ...header, featureSet: 'other' }) + '\n', /bad\.2\.manifest:1: featureSet: the manifest is for "other"/],
      ['another snapshot version', JSON.stringify({ ...header, snapshotVersion: 'v9' }) + '\n', /bad\.3\.manifest:1: snapshotVersion: .* v9, the scenario reads v3/],
      ['a bad entry line', JSON.stringify(header) + '\n{"entity":"1","rank":0,"expectedShare":0.1}\n{"entity":"2","rank":-1}\n', /bad\.4\.manifest:3: rank: expected an integer >= 0/],
    ];
    for (const [i, [, content, pattern]] of cases.entries()) {
      const file = join(dir, `bad.${i + 1}.manifest`);
      writeFileSync(file, content as string);
      const out = await warm(file, 'bad');
      expect(out.code, content as string).toBe(2);
      expect(out.stderr.trim().split('\n')).toHaveLength(1);
      expect(out.stderr).toMatch(pattern);
    }
    const rows = featureRows(50);
    const missing = tempDir();
    const noEntity = await writeBoth(missing, rows, { omit: ['entity'] });
    const wrongType = tempDir();
    const mistyped = await writeBoth(wrongType, rows, { asStrings: ['i1'] });
    const shortList = tempDir();
    const short = featureRows(50);
    (short[7]!.values as Record<string, unknown>)['emb'] = [0.5, 0.25, 0.125];
    const shortEmbedding = await writeBoth(shortList, short);
    const checks: [string, RegExp][] = [
      [noEntity.parquet, /rows\.parquet: column entity: missing/],
      [noEntity.arrow, /rows\.arrow: column entity: missing/],
      [mistyped.parquet, /rows\.parquet: column i1: type STRING cannot hold a int feature of feats/],
      [mistyped.arrow, /rows\.arrow: column i1: type Utf8 cannot hold a int feature of feats/],
      [join(dir, 'nope.parquet'), /nope\.parquet: cannot read \(ENOENT\)/],
      [shortEmbedding.parquet, /rows\.parquet: row 7: column emb: 3 values, the feature set's embedding has 4/],
    ];
    for (const [file, pattern] of checks) {
      const out = await warm(file, 'bad');
      expect(out.code, `${file}: ${out.stderr}`).toBe(2);
      expect(out.stderr).toMatch(pattern);
      expect(out.stderr).not.toMatch(/\n\s+at /);
    }
    // A Parquet file of rows whose entity column is named otherwise is fine with --entity-column.
    const renamed = tempDir();
    const other = await writeBoth(renamed, rows, { entityColumn: 'customer_id' });
    expect((await warm(other.parquet, 'renamed', '--entity-column', 'customer_id')).code).toBe(0);
    expect((await snapshotPrefix(client, 'bad')).size).toBe(0);
    // A remote Redis is refused before anything happens, as run does.
    const remote = await cli.run(['warm', other.parquet, '--scenario', WARM_SCENARIO, '--redis', 'redis://cache.invalid:6379', '--entity-column', 'customer_id']);
    expect(remote.code).toBe(2);
    expect(remote.stderr).toMatch(/not a loopback address/);
  });
});
