import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useBuiltCli } from './cli-helpers.js';

/** Bad deploy events through the spawned CLI: exit 2, one line per problem naming file:line and field, before any load. */
const cli = useBuiltCli();
const dir = mkdtempSync(join(tmpdir(), 'fcbench-cli-deploy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function scenario(name: string, events: string, extra = ''): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    `name: deploy-input
keys: { entities: 1000 }
featureSets:
  - { name: a }
  - { name: b }
cascade:
  replicas: 2
  local: { maxEntries: 100${extra} }
  source: { kind: simulated, latency: { fixed: 1ms } }
load: { mode: closed, concurrency: 1, requests: 10 }
events:
${events}
`,
  );
  return file;
}

describe('deploy event input (spawned CLI)', () => {
  it('replicas 0 and warmLocal above the local tier per feature set: exit 2 naming line and field', async () => {
    const file = scenario('bad.yaml', '  - { at: 1s, kind: deploy, replicas: 0 }\n  - { at: 2s, kind: deploy, warmLocal: 51 }');
    const result = await cli.run(['validate', file]);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines.some((l) => l.includes(`${file}:12`) && l.includes('events[0].replicas'))).toBe(true);
    // 100 entries split over two feature sets: 50 per set.
    expect(lines.some((l) => l.includes(`${file}:13`) && l.includes('events[1].warmLocal') && l.includes('at most 50'))).toBe(true);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('warmLocal without a local tier: exit 2 from run, before any Redis (a dead URL) or result', async () => {
    const file = scenario('no-local.yaml', '  - { at: 1s, kind: deploy, warmLocal: 10 }', ', enabled: false');
    const out = join(dir, 'results');
    const result = await cli.run(['run', file, '--out', out, '--no-report', '--redis', 'redis://127.0.0.1:1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/events\[0\]\.warmLocal.*needs a local tier/);
    expect(() => readdirSync(out)).toThrow();
  });

  it('load.mode http: a deploy is accepted, and warmLocal must still fit the local tier (exit 2 naming line and field)', async () => {
    const http = (name: string, events: string) => {
      const file = scenario(name, events);
      writeFileSync(file, readFileSync(file, 'utf8').replace('load: { mode: closed, concurrency: 1, requests: 10 }', 'load: { mode: http, driver: open, rate: 100 }'));
      return file;
    };
    expect((await cli.run(['validate', http('http-ok.yaml', '  - { at: 1s, kind: deploy, replicas: 3, warmLocal: 50 }')])).code).toBe(0);
    const file = http('http-bad.yaml', '  - { at: 1s, kind: deploy, replicas: 3, warmLocal: 51 }');
    const result = await cli.run(['validate', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`${file}:12:.*events\\[0\\]\\.warmLocal.*at most 50`));
  });

  it('a valid deploy passes', async () => {
    const file = scenario('ok.yaml', '  - { at: 1s, kind: deploy, replicas: 3, warmLocal: 50 }');
    expect((await cli.run(['validate', file])).code).toBe(0);
  });
});
