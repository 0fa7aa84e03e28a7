import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { describeFailure } from '../../src/cli/exit.js';
import { scenarioSchemaText } from '../../src/cli/schema.js';
import { badInput, environmentError } from '../../src/errors.js';
import { usePrivateRedis } from '../helpers/redis.js';
import { REPO_ROOT, useBuiltCli } from './cli-helpers.js';

const cli = useBuiltCli();
const redis = usePrivateRedis();
const dir = mkdtempSync(join(tmpdir(), 'fcbench-cli-validate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

async function freeClosedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('fcbench validate (spawned CLI)', () => {
  it('accepts a valid scenario: exit 0 and one ok line', async () => {
    const result = await cli.run(['validate', 'scenarios/quickstart.yaml']);
    expect(result).toEqual({ code: 0, stdout: 'ok: scenarios/quickstart.yaml (1 variant)\n', stderr: '' });
  });

  it('lists the variants of a matrix with their hashes', async () => {
    const result = await cli.run(['validate', 'scenarios/stampede.yaml']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('ok: scenarios/stampede.yaml (4 variants)');
    expect(lines.slice(1).map((line) => line.trim().split(/\s+/)[0])).toEqual([
      'stampede={strategy:none}',
      'stampede={strategy:single-flight}',
      'stampede={strategy:swr,softTtl:20m}',
      'stampede={strategy:redis-lock}',
    ]);
    expect(lines.slice(1).every((line) => /\s[0-9a-f]{12}$/.test(line))).toBe(true);
  });

  const badCases: Array<[label: string, text: string | null, args: (file: string) => string[], firstLine: (file: string) => string]> = [
    ['unknown field', 'name: x\ncascade:\n  locl: {}\n', (f) => ['validate', f], (f) => `fcbench: ${f}:3:3: cascade.locl: unknown field "locl"; did you mean "local"?`],
    ['zero TTL', 'name: x\nfeatureSets:\n  - name: a\n    ttl: { hard: 0s }\n', (f) => ['validate', f], (f) => `fcbench: ${f}:4:18: featureSets[0].ttl.hard: must be > 0 (got "0s")`],
    ['YAML syntax', 'name: x\nkeys: { entities: 5\nseed: 1\n', (f) => ['validate', f], (f) => `fcbench: ${f}:3:1: YAML syntax error: `],
    ['empty file', '', (f) => ['validate', f], (f) => `fcbench: ${f}:1:1: the file is empty`],
    ['missing file', null, (f) => ['validate', f], (f) => `fcbench: ${f}: file not found`],
    ['--set without =', 'name: x\n', (f) => ['validate', f, '--set', 'cascade.replicas'], () => 'fcbench: --set cascade.replicas: expected path=value'],
    ['--set invalid value', 'name: x\n', (f) => ['validate', f, '--set', 'cascade.replicas=abc'], () => 'fcbench: --set cascade.replicas=abc: cascade.replicas: expected an integer'],
    ['--set unknown path', 'name: x\n', (f) => ['validate', f, '--set', 'cascade.replica=2'], () => 'fcbench: --set cascade.replica=2: cascade.replica: unknown field "replica"; did you mean "replicas"?'],
  ];

  it.each(badCases)('%s: exit 2 and the exact location', async (label, text, args, firstLine) => {
    const file = join(dir, `${label.replace(/\W+/g, '-')}.yaml`);
    if (text !== null) writeFileSync(file, text);
    const result = await cli.run(args(file));
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]?.startsWith(firstLine(file)), result.stderr).toBe(true);
  });

  it('a directory is bad input too', async () => {
    const folder = join(dir, 'folder.yaml');
    mkdirSync(folder);
    const result = await cli.run(['validate', folder]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`fcbench: ${folder}: is a directory, not a scenario file (expected a .yaml file)\n`);
  });

  it('prints every problem: the first after "fcbench:", the rest indented', async () => {
    const file = write('many.yaml', 'name: x\nseed: -1\nkeys:\n  distribution: { kind: zipf, exponent: 0 }\n');
    const result = await cli.run(['validate', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `fcbench: ${file}:2:7: seed: must be >= 0 (got -1)\n  ${file}:4:41: keys.distribution.exponent: must be > 0 (got 0)\n`,
    );
  });

  it('interpolates from the environment and applies --set', async () => {
    const file = write('env.yaml', 'name: ${RUN:-x}\ncascade:\n  replicas: ${REPLICAS}\n');
    expect((await cli.run(['validate', file], { env: { REPLICAS: '3' } })).code).toBe(0);
    const missing = await cli.run(['validate', file]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`${file}:3:13: cascade.replicas: environment variable REPLICAS is not set`);
    const overridden = await cli.run(['validate', file, '--set', 'cascade.replicas=65'], { env: { REPLICAS: '3' } });
    expect(overridden.stderr).toBe('fcbench: --set cascade.replicas=65: cascade.replicas: must be <= 64 (got 65)\n');
  });

  it('--connect reaches the Redis in REDIS_URL, then exits 0', async () => {
    const result = await cli.run(['validate', 'scenarios/quickstart.yaml', '--connect'], { env: { REDIS_URL: redis.url } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ok: scenarios\/quickstart\.yaml \(1 variant\)\nredis: ok redis:\/\/127\.0\.0\.1:\d+\S* \(env, redis \d+\.\d+/);
  });

  it('--connect to a Redis that is not there exits 3', async () => {
    const port = await freeClosedPort();
    const result = await cli.run(['validate', 'scenarios/quickstart.yaml', '--connect'], { env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^fcbench: .*127\.0\.0\.1:\d+/);
  });
});

describe('fcbench usage, --help, --version, schema (spawned CLI)', () => {
  it.each([
    [['validate'], /missing required argument 'scenario'/],
    [['validate', 'scenarios/quickstart.yaml', '--bogus'], /unknown option '--bogus'/],
    [['bogus'], /unknown command 'bogus'/],
    [[], /Usage: fcbench/],
  ])('%j is a usage error: exit 2', async (args, message) => {
    const result = await cli.run(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('--help exits 0 with examples', async () => {
    const top = await cli.run(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/Examples:\n {2}fcbench run scenarios\/quickstart.yaml/);
    expect(top.stdout).toMatch(/fcbench validate scenarios/);
    const sub = await cli.run(['validate', '--help']);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('--set <path=value>');
    expect(sub.stdout).toContain('--connect');
  });

  it('--version prints the version from package.json', async () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(await cli.run(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('schema prints the JSON Schema, identical to the committed scenario.schema.json', async () => {
    const result = await cli.run(['schema']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(scenarioSchemaText());
    expect(result.stdout).toBe(readFileSync(join(REPO_ROOT, 'scenario.schema.json'), 'utf8'));
  });
});

describe('describeFailure (error -> exit code and lines)', () => {
  it('bad input: exit 2, message then the other details indented', () => {
    expect(describeFailure(badInput('f:1:1: a: x', ['f:1:1: a: x', 'f:2:1: b: y']), { debug: false })).toEqual({
      exitCode: 2,
      lines: ['fcbench: f:1:1: a: x', '  f:2:1: b: y'],
    });
  });

  it('environment: exit 3', () => {
    expect(describeFailure(environmentError('redis down'), { debug: false })).toEqual({ exitCode: 3, lines: ['fcbench: redis down'] });
  });

  it('commander: help and version exit 0, usage errors exit 2, nothing more printed', () => {
    expect(describeFailure(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'), { debug: false })).toEqual({ exitCode: 0, lines: [] });
    expect(describeFailure(new CommanderError(1, 'commander.unknownOption', 'x'), { debug: false })).toEqual({ exitCode: 2, lines: [] });
  });

  it('anything else is an internal error: one line, exit 1; the stack only when debugging', () => {
    const plain = describeFailure(new TypeError('boom'), { debug: false });
    expect(plain).toEqual({ exitCode: 1, lines: ['fcbench: boom (an internal error; FCBENCH_DEBUG=1 shows the stack)'] });
    const debug = describeFailure(new TypeError('boom', { cause: new Error('root') }), { debug: true });
    expect(debug.exitCode).toBe(1);
    expect(debug.lines[0]).toBe('fcbench: boom');
    expect(debug.lines.some((line) => line.startsWith('TypeError: boom'))).toBe(true);
    expect(debug.lines.some((line) => line === 'caused by: Error: root')).toBe(true);
  });
});
