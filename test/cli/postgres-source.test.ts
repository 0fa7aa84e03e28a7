import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase, withDatabase } from '../helpers/postgres.js';
import { usePrivateRedis } from '../helpers/redis.js';
import { readResultFiles, useBuiltCli, writeScenario } from './cli-helpers.js';

/**
 * `fcbench source load` and `fcbench run` on a PostgreSQL feature store, through the spawned CLI,
 * against a real server (a database of this file's own) and a private redis-server.
 */
const cli = useBuiltCli();
const redis = usePrivateRedis();
const db = useTestDatabase('cli_postgres');

/** trust auth takes any password: one in the URL must still never be shown. */
const SECRET = 'hunter2-pg-secret';
const urlWithPassword = () => {
  const u = new URL(db.url);
  u.password = SECRET;
  return u.toString();
};

function scenario(extra: { source?: string; events?: string; load?: string; entities?: number } = {}): { dir: string; file: string } {
  const { dir, file } = writeScenario('fcb-pg-', `name: pg-cli
seed: 11
warmup: 0s
keys: { entities: ${extra.entities ?? 3000}, distribution: { kind: zipf, exponent: 1.0 } }
featureSets:
  - { name: scores, version: v1, payload: { floats: 8, ints: 2, strings: 1 } }
cascade:
  replicas: 1
  local: { maxEntries: 200, ttl: 1s }
  redis: { keyPrefix: fcb-pgcli }
  source:
    kind: postgres
    url: ${extra.source ?? urlWithPassword()}
    concurrency: 4
${extra.load ?? 'load: { mode: closed, concurrency: 4, requests: 1500 }'}
${extra.events ?? ''}
`);
  return { dir, file };
}

const env = () => ({ REDIS_URL: redis.url });
const countRows = async (where = 'true') => Number((await db.query(`SELECT count(*) AS n FROM fcbench_features WHERE ${where}`)).rows[0]!['n']);

describe('fcbench source load', () => {
  it('creates the table, loads every entity, and a rerun writes nothing', async () => {
    const { file } = scenario();
    const first = await cli.run(['source', 'load', file]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^scores v1: loaded 3,000 rows into fcbench_features at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/fcbench_test_\S+ in [\d.]+ s \([\d,]+ rows\/s\)$/m);
    expect(await countRows()).toBe(3000);
    const second = await cli.run(['source', 'load', file]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('scores v1: already complete in fcbench_features');
    expect(second.stdout).toContain('nothing written');
    expect(await countRows()).toBe(3000);
    for (const out of [first, second]) expect(out.stdout + out.stderr).not.toContain(SECRET);
  });

  it('creates a missing database first', async () => {
    const made = `${new URL(db.url).pathname.slice(1)}_made`;
    const { file } = scenario({ source: withDatabase(db.url, made), entities: 100 });
    try {
      const out = await cli.run(['source', 'load', file]);
      expect(out.code, out.stderr).toBe(0);
      expect(out.stderr).toContain('created the database at');
      expect(out.stdout).toContain('scores v1: loaded 100 rows');
    } finally {
      await db.query(`DROP DATABASE IF EXISTS "${made}" WITH (FORCE)`);
    }
  });

  it.each([
    [['--batch', '0'], /^fcbench: --batch 0: expected an integer 1\.\.100000$/],
    [['--version', 'v 2'], /^fcbench: --version "v 2": a version may contain only letters/],
    [['--url', 'postgres://u:pw@feature-store.invalid/x'], /^fcbench: --url: postgres:\/\/u:\*\*\*@feature-store\.invalid\/x is not a loopback address.*--allow-remote/],
    [['--url', 'mysql://127.0.0.1/x'], /^fcbench: --url: unsupported scheme mysql:/],
  ])('bad input %j: exit 2, one line, nothing written', async (flags, message) => {
    const { file } = scenario({ entities: 50 });
    const before = await countRows();
    const out = await cli.run(['source', 'load', file, ...flags]);
    expect(out.code).toBe(2);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
    expect(out.stderr.trim()).toMatch(message);
    expect(await countRows()).toBe(before);
  });

  it('a bad scenario field is exit 2 with its file and line', async () => {
    const { file } = scenario({ source: 'mysql://nope' });
    const out = await cli.run(['source', 'load', file]);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/scenario\.yaml:\d+:\d+: cascade\.source\.url: expected "auto" or a postgres:\/\//);
  });

  it('an unreachable server is exit 3, one line naming the URL with its password hidden', async () => {
    const { file } = scenario();
    const out = await cli.run(['source', 'load', file, '--url', `postgres://postgres:${SECRET}@127.0.0.1:1/fcbench`]);
    expect(out.code).toBe(3);
    expect(out.stderr.trim()).toBe(
      'fcbench: cannot connect to PostgreSQL at postgres://postgres:***@127.0.0.1:1/fcbench: connection refused (is PostgreSQL running there? apt-get install postgresql, or docker compose up -d postgres)',
    );
  });
});

describe('fcbench run with cascade.source.kind: postgres', () => {
  // Loaded here too, so these tests also run alone (-t); a second load is a no-op.
  beforeAll(async () => {
    const out = await cli.run(['source', 'load', scenario().file, '--quiet']);
    expect(out.code, out.stderr).toBe(0);
  });

  it("reports PostgreSQL's own latency in the source tier, records the server, and deletes the snapshot it published", async () => {
    const { dir, file } = scenario({
      load: 'duration: 3s\nload: { mode: open, rate: 400, arrivals: constant }',
      events: 'events:\n  - { at: 1s, kind: batch-publish, featureSet: scores, version: v2, changed: 0.2, commitDuration: 100ms, invalidation: delete }',
    });
    const out = await cli.run(['run', file, '--out', join(dir, 'results'), '--report', join(dir, 'reports')], { env: env() });
    expect(out.code, out.stderr).toBe(0);
    const [result] = readResultFiles(join(dir, 'results'));
    expect(result!.env.source).toMatchObject({ kind: 'postgres', client: expect.stringMatching(/^pg \d+\.\d+\.\d+$/), table: 'fcbench_features' });
    expect(result!.env.source!.serverVersion).toMatch(/^\d+/);
    expect(result!.env.source!.url).toContain(':***@127.0.0.1');
    // Every source call was a real read, timed as such.
    expect(result!.tiers.source.calls).toBeGreaterThan(100);
    expect(result!.tiers.source.errors).toBe(0);
    expect(result!.latency.byTier.source.count).toBeGreaterThan(0);
    expect(result!.latency.byTier.source.p50).toBeGreaterThan(0);
    const publication = result!.freshness.publications![0]!;
    expect(publication.committedAt).not.toBeNull();
    // `changed` is each entity's seeded chance of new values: about a fifth of them.
    expect(publication.changedEntities).toBeGreaterThan(0.15 * 3000);
    expect(publication.changedEntities).toBeLessThan(0.25 * 3000);
    // v2 was the run's own: gone from PostgreSQL, v1 untouched.
    expect(await countRows("version = 'v2'")).toBe(0);
    expect(await countRows("version = 'v1'")).toBe(3000);
    expect((await db.query("SELECT count(*)::int AS n FROM fcbench_features_snapshots WHERE origin <> 'load'")).rows[0]).toEqual({ n: 0 });
    const report = readdirSync(join(dir, 'reports')).find((f) => f.endsWith('.html'))!;
    const html = readFileSync(join(dir, 'reports', report), 'utf8');
    expect(html).toMatch(/Feature store.*PostgreSQL \d+/s);
    const everything = out.stdout + out.stderr + JSON.stringify(result) + html;
    expect(everything).not.toContain(SECRET);
  });

  it('addedLatency adds to the measured read, it does not replace it', async () => {
    const { dir, file } = scenario({ source: `${urlWithPassword()}\n    addedLatency: { fixed: 20ms }`, load: 'load: { mode: closed, concurrency: 4, requests: 300 }' });
    const out = await cli.run(['run', file, '--out', join(dir, 'results'), '--no-report', '--quiet'], { env: env() });
    expect(out.code, out.stderr).toBe(0);
    const [result] = readResultFiles(join(dir, 'results'));
    expect(result!.latency.byTier.source.p50).toBeGreaterThanOrEqual(20);
  });

  it('a version never loaded: exit 3 naming source load, before any Redis key is written', async () => {
    const { file } = scenario({ entities: 5000 });
    const client = await redis.client();
    await client.config('RESETSTAT');
    const out = await cli.run(['run', file, '--no-report'], { env: env() });
    expect(out.code).toBe(3);
    expect(out.stderr).toMatch(/holds 3000 entities of scores v1, the scenario asks for 5000; fill it first: fcbench source load/);
    const stats = String(await client.info('commandstats'));
    expect(stats).not.toMatch(/cmdstat_(set|eval|evalsha|unlink|del):/);
  });

  it('a batch-publish of a loaded version: exit 2, nothing written to PostgreSQL', async () => {
    const { file } = scenario({ events: 'events:\n  - { at: 1s, kind: batch-publish, featureSet: scores, version: v7, changed: 0.2 }' });
    const load = await cli.run(['source', 'load', file, '--version', 'v7', '--quiet']);
    expect(load.code).toBe(0);
    const before = await countRows();
    const out = await cli.run(['run', file, '--no-report'], { env: env() });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('batch-publish scores v7: fcbench_features already holds that version from fcbench source load');
    expect(await countRows()).toBe(before);
  });

  it('validate --connect checks the store as run does: loaded is ok, too few entities is exit 3', async () => {
    const ok = await cli.run(['validate', scenario().file, '--connect'], { env: env() });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^postgres: ok postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/\S+ \(PostgreSQL \d+\.\d+, fcbench_features loaded\)$/m);
    const short = await cli.run(['validate', scenario({ entities: 4000 }).file, '--connect'], { env: env() });
    expect(short.code).toBe(3);
    expect(short.stderr).toContain('holds 3000 entities of scores v1, the scenario asks for 4000');
    const remote = await cli.run(['validate', scenario({ source: 'postgres://feature-store.invalid/db' }).file]);
    expect(remote.code).toBe(2);
    expect(remote.stderr).toContain('is not a loopback address');
  });

  it('a remote store without allowRemote: exit 2 before connecting', async () => {
    const { file } = scenario({ source: 'postgres://postgres:pw@feature-store.invalid:5432/fcbench' });
    const out = await cli.run(['run', file, '--no-report'], { env: env() });
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/cascade\.source\.url: postgres:\/\/postgres:\*\*\*@feature-store\.invalid:5432\/fcbench is not a loopback address/);
  });

  it('connections killed mid-run: the pool reconnects, reads go on, the run finishes with its result', async () => {
    const { dir, file } = scenario({ load: 'duration: 4s\nload: { mode: open, rate: 300, arrivals: constant }' });
    const database = new URL(db.url).pathname.slice(1);
    const run = cli.start(['run', file, '--out', join(dir, 'results'), '--no-report'], { env: env() });
    await run.stderrMatches(/measure\s+1s/);
    // Every fcbench backend of this database, repeatedly for a while: idle ones and, sometimes, one mid-query.
    let killed = 0;
    for (let i = 0; i < 20; i++) {
      const result = await db.query(
        "SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'fcbench' AND pid <> pg_backend_pid()",
        [database],
      );
      killed += Number(result.rows[0]!['n']);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(killed).toBeGreaterThan(0);
    const out = await run.done;
    expect(out.stderr).not.toMatch(/at .*\.js:\d+/);
    expect([0, 1], out.stderr).toContain(out.code);
    const [result] = readResultFiles(join(dir, 'results'));
    expect(result!.partial).toBe(false);
    // A read that was in flight fails and is counted; the rest get a new connection.
    expect(result!.tiers.source.errors).toBeLessThan(result!.tiers.source.calls / 5);
    const last = result!.timeline.at(-1)!;
    expect(last.sourceCalls).toBeGreaterThan(last.errors);
    expect(result!.requests.total).toBeGreaterThan(1000);
  });
});
