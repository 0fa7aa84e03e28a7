import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { countByPrefix } from '../../src/redis/cleanup.js';
import { connectRedis } from '../../src/redis/connect.js';
import type { ResultDocument } from '../../src/results/result-types.js';
import { loadScenario } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/schema.js';
import { usePrivateRedis } from '../helpers/redis.js';
import { useBuiltCli, type CliResult } from './cli-helpers.js';

/**
 * Secrets never reach a result, a report or a log line: every output of real runs against a
 * password-protected private redis-server (stdout, stderr, every file written) is searched for the
 * password. Each run must also succeed, so broken auth cannot pass for good redaction.
 */
const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
const cli = useBuiltCli();
const redis = usePrivateRedis({ extraArgs: ['--requirepass', PASSWORD] });
const clients: Redis[] = [];
afterAll(() => clients.forEach((c) => c.disconnect()));

const authedUrl = (password = PASSWORD) => `redis://:${password}@127.0.0.1:${redis.server.port}`;
const redactedUrl = () => `redis://:***@127.0.0.1:${redis.server.port}`;

/** A small closed-loop scenario in its own folder (so the search below never reads the scenario itself). */
function scenario(extra = ''): string {
  const file = join(mkdtempSync(join(tmpdir(), 'fcb-secrets-scenario-')), 'scenario.yaml');
  writeFileSync(
    file,
    `name: secrets
seed: 3
keys: { entities: 500 }
cascade:
  local: { maxEntries: 100 }
  source: { kind: simulated, latency: { fixed: 1ms } }
${extra}
load: { mode: closed, concurrency: 2 }
`,
  );
  return file;
}

interface Run extends CliResult {
  outDir: string;
  reportDir: string;
}

async function run(file: string, args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'fcb-secrets-'));
  const outDir = join(dir, 'out');
  const reportDir = join(dir, 'reports');
  const result = await cli.run(['run', file, '--duration', '1s', '--set', 'warmup=0s', '--out', outDir, '--report', reportDir, ...args], { env });
  return { ...result, outDir, reportDir };
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile());
}

/** stdout, stderr and every file written; fails naming where the password was found. */
function expectNoPassword(out: Run, password = PASSWORD): void {
  const outputs: [string, string][] = [
    ['stdout', out.stdout],
    ['stderr', out.stderr],
    ...[out.outDir, out.reportDir].flatMap((dir) => filesUnder(dir).map((path): [string, string] => [path, readFileSync(path, 'utf8')])),
  ];
  expect(outputs.filter(([, text]) => text.includes(password)).map(([where]) => where)).toEqual([]);
}

/** `scenario.resolved` is typed `unknown` in results (any scenario version); here it is today's. */
const resolvedRedis = (doc: ResultDocument) => (doc.scenario.resolved as Scenario).cascade.redis;

function onlyResult(out: Run): ResultDocument {
  const files = filesUnder(out.outDir).filter((path) => path.endsWith('.json'));
  expect(files).toHaveLength(1);
  return JSON.parse(readFileSync(files[0]!, 'utf8')) as ResultDocument;
}

/** The run really used the protected server: requests went through Redis without an error. */
async function expectAuthenticatedRun(out: Run, result: ResultDocument): Promise<void> {
  expect(out.code, out.stderr).toBe(0);
  expect(filesUnder(out.reportDir).filter((path) => path.endsWith('.html'))).toHaveLength(1);
  expect(result.tiers.redis.lookups).toBeGreaterThan(0);
  expect(result.tiers.redis.errors).toBe(0);
  expect(result.env.redis!.url).toBe(redactedUrl());
  // The key prefix is the scenario's plus the run id, untouched by redaction; cleanup still worked.
  expect(resolvedRedis(result).keyPrefix).toBe('fcb');
  expect(result.redis.keyPrefix).toMatch(/^fcb:[0-9a-f]{8}$/);
  const client = await connectRedis(authedUrl(), { commandTimeoutMs: 2000 });
  clients.push(client);
  expect(await countByPrefix(client, result.redis.keyPrefix)).toBe(0);
}

describe('fcbench run never prints or writes a Redis password', () => {
  it('--redis redis://:<pw>@host: result, report, progress and summary hold none', async () => {
    const out = await run(scenario(), ['--redis', authedUrl()]);
    const result = onlyResult(out);
    await expectAuthenticatedRun(out, result);
    expect(resolvedRedis(result).url).toBe('auto');
    expectNoPassword(out);
  });

  it('${REDIS_URL} interpolated into cascade.redis.url: the resolved scenario shows it redacted, the hash is kept', async () => {
    const file = scenario('  redis: { url: "${REDIS_URL}" }');
    const out = await run(file, [], { REDIS_URL: authedUrl() });
    const result = onlyResult(out);
    await expectAuthenticatedRun(out, result);
    expect(resolvedRedis(result).url).toBe(redactedUrl());
    // Still the hash of the scenario as loaded (a sha256 gives nothing away), not of the redacted copy.
    const loaded = await loadScenario(file, { env: { REDIS_URL: authedUrl() }, sets: ['warmup=0s'], duration: '1s' });
    expect(result.scenario.hash).toBe(loaded.variants[0]!.hash);
    expectNoPassword(out);
  });

  it('REDIS_URL in the environment with url: auto', async () => {
    const out = await run(scenario(), [], { REDIS_URL: authedUrl() });
    const result = onlyResult(out);
    await expectAuthenticatedRun(out, result);
    expect(result.env.redis!.provisioned).toBe('env');
    expectNoPassword(out);
  });

  it('--json with the URL set by --set: stdout holds the redacted document', async () => {
    const out = await run(scenario(), ['--json', '--set', `cascade.redis.url=${authedUrl()}`]);
    const result = onlyResult(out);
    await expectAuthenticatedRun(out, result);
    const printed = JSON.parse(out.stdout) as ResultDocument;
    expect(resolvedRedis(printed).url).toBe(redactedUrl());
    expectNoPassword(out);
  });

  it('a matrix over the URL: the variant label (progress line, file name, report) is redacted', async () => {
    const out = await run(scenario('matrix: { cascade.redis.url: ["${REDIS_URL}"] }'), [], { REDIS_URL: authedUrl() });
    const result = onlyResult(out);
    await expectAuthenticatedRun(out, result);
    expect(result.scenario.variant).toBe(`cascade.redis.url=${redactedUrl()}`);
    expect(out.stderr).toContain(`[cascade.redis.url=${redactedUrl()}]`);
    expectNoPassword(out);
  });

  it('a wrong password exits 3 with one line naming WRONGPASS, printing neither password', async () => {
    const wrong = `wrong-${randomBytes(8).toString('hex')}`;
    const out = await run(scenario(), ['--quiet', '--redis', authedUrl(wrong)]);
    expect(out.code).toBe(3);
    expect(out.stderr.trim().split('\n')).toEqual([
      `fcbench: cannot connect to Redis at redis://:***@127.0.0.1:${redis.server.port}: authentication failed (WRONGPASS: wrong user name or password in the URL)`,
    ]);
    expectNoPassword(out, wrong);
    expectNoPassword(out);
  });

  it('no password at all names NOAUTH and the fix', async () => {
    const out = await run(scenario(), ['--quiet', '--redis', `redis://127.0.0.1:${redis.server.port}`]);
    expect(out.code).toBe(3);
    expect(out.stderr).toContain('the server requires a password (NOAUTH)');
  });

  it('FCBENCH_DEBUG=1 stack traces of an auth failure hold no password', async () => {
    const wrong = `wrong-${randomBytes(8).toString('hex')}`;
    const out = await run(scenario(), ['--quiet', '--redis', authedUrl(wrong)], { FCBENCH_DEBUG: '1' });
    expect(out.code).toBe(3);
    expect(out.stderr).toContain('caused by:');
    expectNoPassword(out, wrong);
  });

  it('bad input that echoes a URL (--set value, a long value cut short) exits 2 without the password', async () => {
    const long = `ftp://:${PASSWORD}@127.0.0.1:1/${'x'.repeat(80)}`;
    const out = await run(scenario(), ['--set', `cascade.redis.url=${long}`]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('--set cascade.redis.url=ftp://:***@127.0.0.1:1/');
    expectNoPassword(out);
    const typo = await run(scenario(), [`--redsi=${authedUrl()}`]);
    expect(typo.code).toBe(2);
    expectNoPassword(typo);
  });
});
