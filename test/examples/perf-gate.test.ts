import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { buildProgram } from '../../src/cli/main.js';
import { FORMAT_RENDERERS } from '../../src/compare/formats/index.js';
import { OUT_DIR_STEM } from '../../src/compare/output-plan.js';
import { REPO_ROOT } from '../cli/cli-helpers.js';

/**
 * The CI examples must keep working as the CLI changes: valid YAML, and every `fcbench` /
 * `npm run` command they call exists with the flags they pass (checked against the real commander
 * program and package.json, not a copy of either).
 */
const EXAMPLES = ['examples/github-actions/perf-gate.yml', 'examples/gitlab-ci/perf-gate.yml'];

function load(file: string): unknown {
  const doc = parseDocument(readFileSync(join(REPO_ROOT, file), 'utf8'));
  expect(doc.errors.map((e) => e.message)).toEqual([]);
  return doc.toJS();
}

/** Shell words of one command line: whitespace-separated, with '...' and "..." quoting. */
function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

/** Every shell command line in a workflow: GitHub `run:` steps and GitLab `script:` entries. */
function commandLines(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) commandLines(item, out);
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'run' && typeof value === 'string') out.push(...value.split('\n'));
      else if ((key === 'script' || key === 'before_script') && Array.isArray(value)) out.push(...value.filter((v): v is string => typeof v === 'string'));
      else commandLines(value, out);
    }
  }
  return out.flatMap((l) => l.split(/&&|;/)).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

async function checkFcbench(argv: readonly string[]): Promise<void> {
  const program = await buildProgram();
  const [name, ...rest] = argv;
  const command = program.commands.find((c: Command) => c.name() === name);
  expect(command, `fcbench ${name}: no such command`).toBeDefined();
  const flags = new Set(command!.options.flatMap((o) => [o.long, o.short]).filter(Boolean));
  for (const arg of rest) {
    if (!arg.startsWith('-')) continue;
    const flag = arg.split('=')[0]!;
    expect(flags.has(flag), `fcbench ${name} ${flag}: no such option`).toBe(true);
  }
}

const scripts = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

describe.each(EXAMPLES)('%s', (file) => {
  const workflow = load(file);
  const lines = commandLines(workflow);

  it('is valid YAML that runs fcbench run and fcbench compare', () => {
    const fcbench = lines.map(words).filter((w) => w[0] === 'fcbench' || (w[0] === 'npx' && w[1] === 'fcbench'));
    const names = fcbench.map((w) => (w[0] === 'npx' ? w[2] : w[1]));
    expect(names).toContain('run');
    expect(names).toContain('compare');
  });

  it('calls only fcbench commands and flags that exist', async () => {
    for (const w of lines.map(words)) {
      if (w[0] === 'fcbench') await checkFcbench(w.slice(1));
      else if (w[0] === 'npx' && w[1] === 'fcbench') await checkFcbench(w.slice(2));
    }
  });

  it('calls only npm scripts that exist', () => {
    for (const w of lines.map(words)) {
      if (w[0] !== 'npm') continue;
      if (w[1] === 'run') expect(scripts, `npm run ${w[2]}`).toHaveProperty(w[2]!);
      else expect(['ci', 'install', 'test']).toContain(w[1]);
    }
  });
});

describe('what each example promises', () => {
  it('GitHub Actions: Redis as a service container, the report uploaded even when the gate fails', () => {
    const wf = load(EXAMPLES[0]!) as { jobs: Record<string, { services: Record<string, { image: string }>; steps: { uses?: string; if?: string; with?: { path?: string } }[] }> };
    const job = wf.jobs['perf-gate']!;
    expect(job.services['redis']!.image).toMatch(/^redis:/);
    const upload = job.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))!;
    expect(upload.if).toBe('always()');
    expect(upload.with!.path).toContain('reports/');
  });

  it('GitLab CI: the JUnit report is the file compare writes into --out', () => {
    const wf = load(EXAMPLES[1]!) as { 'perf-gate': { script: string[]; artifacts: { when: string; reports: { junit: string } } } };
    const job = wf['perf-gate'];
    const compare = words(job.script.find((l) => l.includes('fcbench compare'))!);
    const out = compare[compare.indexOf('--out') + 1]!;
    expect(compare).toContain('junit');
    expect(job.artifacts.reports.junit).toBe(`${out.replace(/\/$/, '')}/${OUT_DIR_STEM}${FORMAT_RENDERERS.junit.extension}`);
    expect(job.artifacts.when).toBe('always');
  });
});
