import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerReport } from '../../src/cli/report.js';
import { FcbenchError } from '../../src/errors.js';
import { REPO_ROOT, useBuiltCli } from '../cli/cli-helpers.js';
import { FIXTURE_DIR } from './fixtures.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fcbench-cli-report-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const fixture = (name: string) => path.join(FIXTURE_DIR, name);

/** Runs `fcbench report ...` in-process and returns what it printed. */
async function run(args: string[]): Promise<string> {
  const program = new Command('fcbench').exitOverride();
  registerReport(program);
  const printed: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed.push(String(chunk));
    return true;
  });
  try {
    await program.parseAsync(['node', 'fcbench', 'report', ...args]);
  } finally {
    spy.mockRestore();
  }
  return printed.join('');
}

describe('fcbench report', () => {
  it('writes one result to --out and prints the path', async () => {
    const out = path.join(dir, 'one.html');
    expect(await run([fixture('result-realistic.json'), '--out', out])).toBe(`${out}\n`);
    const page = await readFile(out, 'utf8');
    expect(page).toContain('<h1><span class="scenario-name">credit-features-zipf</span></h1>');
  });

  it('compares several results, into an existing directory with the derived name', async () => {
    const target = path.join(dir, 'reports');
    await mkdir(target);
    const printed = await run([
      fixture('result-realistic.json'),
      fixture('result-variant-json.json'),
      fixture('result-closed-partial.json'),
      '--out',
      target,
      '--title',
      'codec shoot-out',
    ]);
    expect(printed).toBe(`${path.join(target, 'credit-features-zipf-compare-20261125T201902Z.html')}\n`);
    const page = await readFile(printed.trim(), 'utf8');
    expect(page.match(/<tr data-variant-row>/g)).toHaveLength(3);
    expect(page).toContain('<title>codec shoot-out</title>');
  });

  it('throws bad-input naming a bad file', async () => {
    const missing = path.join(dir, 'missing.json');
    const error = await run([fixture('result-realistic.json'), missing]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FcbenchError);
    expect((error as FcbenchError).code).toBe('bad-input');
    expect((error as FcbenchError).message).toBe(`${missing}: no such file`);
  });
});

describe('fcbench report (spawned CLI): a bad result file is one line naming it, exit 2', () => {
  const cli = useBuiltCli();
  const realistic = () => readFile(fixture('result-realistic.json'), 'utf8');

  /** Each case writes its file (or not) and returns the path given to the CLI. */
  const cases: Array<[label: string, make: (file: string) => Promise<unknown>, message: RegExp]> = [
    ['a missing file', async () => undefined, /: no such file$/],
    ['a directory', (file) => mkdir(file), /: is a directory$/],
    ['an empty file', (file) => writeFile(file, ''), /: the file is empty/],
    ['a file of whitespace', (file) => writeFile(file, ' \n\n'), /: the file is empty/],
    ['truncated JSON', async (file) => writeFile(file, (await realistic()).slice(0, 5000)), /: not JSON/],
    ['JSON cut inside a string', async (file) => writeFile(file, (await realistic()).slice(0, 40)), /: not JSON/],
    ['JSON whose error V8 quotes over several lines', (file) => writeFile(file, '[1,\n2,\n]'), /: not JSON \(.*\)$/],
    ['a short YAML file', (file) => writeFile(file, '# c\nname: x\n'), /: not JSON/],
    ['a terminal escape sequence', (file) => writeFile(file, '\u001b[31m'), /: not JSON \(.*\\u001b/],
    ['a scenario file (YAML)', async (file) => writeFile(file, await readFile(path.join(REPO_ROOT, 'scenarios/quickstart.yaml'), 'utf8')), /: not JSON/],
    ['a scenario as JSON', (file) => writeFile(file, JSON.stringify({ name: 'quickstart', seed: 42, load: { mode: 'open', rate: 2000 } }, null, 2)), /no schemaVersion/],
    ['an empty list', (file) => writeFile(file, '[]'), /expected a JSON object/],
    ['an empty object', (file) => writeFile(file, '{}'), /no schemaVersion/],
    ['a JSON string', (file) => writeFile(file, '"result"'), /expected a JSON object/],
    ['null', (file) => writeFile(file, 'null'), /expected a JSON object/],
    ['an unknown schemaVersion', async (file) => writeFile(file, (await realistic()).replace('"schemaVersion": 1', '"schemaVersion": 99')), /schemaVersion 99 is not supported/],
    [
      'a result with a section cut out',
      async (file) => {
        const { load: _load, ...rest } = JSON.parse(await realistic()) as Record<string, unknown>;
        return writeFile(file, JSON.stringify(rest));
      },
      /load: expected an object \(not a complete fcbench result\)/,
    ],
    ['a schemaVersion holding a line break', (file) => writeFile(file, '{"schemaVersion": "1\\n2"}'), /schemaVersion "1\\n2" is not supported/],
  ];

  it.each(cases)('%s', async (label, make, message) => {
    const file = path.join(dir, `bad-${label.replace(/\W+/g, '-')}.json`);
    await make(file);
    const out = await cli.run(['report', file, '--out', path.join(dir, 'never.html')]);
    expect(out.code, out.stderr).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).not.toContain('    at ');
    const lines = out.stderr.trimEnd().split('\n');
    expect(lines, out.stderr).toHaveLength(1);
    expect(lines[0]?.startsWith(`fcbench: ${file}: `), lines[0]).toBe(true);
    expect(lines[0]).toMatch(message);
  });
});
