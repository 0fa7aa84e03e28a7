import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerReport } from '../../src/cli/report.js';
import { FcbenchError } from '../../src/errors.js';
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
