import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeFailure } from '../../src/cli/exit.js';
import { loadScenario } from '../../src/scenario/load.js';
import { useBuiltCli } from '../cli/cli-helpers.js';
import { mutatedScenario, randomDocumentText, scenarioWithSets } from './fuzz-arbitraries.js';
import { useScenarioDir } from './scenario-files.js';

/**
 * `fcbench validate` never loses its footing: whatever the file or the `--set` flags hold, it exits
 * 0, or exits 2 with one line per problem, each naming the file and line:col (or the flag). Never
 * a stack trace, never an internal error (exit 1).
 *
 * `npm test` runs 200 cases from a fixed seed, so it is deterministic; `npm run fuzz` sets
 * FCBENCH_FUZZ_RUNS=20000 and a random seed (fast-check prints it, and the failing path, on
 * failure; FCBENCH_FUZZ_SEED=<seed> with the same FCBENCH_FUZZ_RUNS replays it).
 */
const fuzzRuns = process.env['FCBENCH_FUZZ_RUNS'];
const TOTAL_RUNS = fuzzRuns === undefined ? 200 : Number(fuzzRuns);
const replaySeed = process.env['FCBENCH_FUZZ_SEED'];
const SEED = replaySeed !== undefined ? Number(replaySeed) : fuzzRuns === undefined ? 20_260_808 : undefined;
/** Share of the cases each property gets: random documents, mutated scenarios, --set flags. */
const SHARES = { documents: 0.3, mutations: 0.5, sets: 0.2 } as const;

function params(share: number): fc.Parameters<unknown> {
  return { numRuns: Math.max(1, Math.round(TOTAL_RUNS * share)), ...(SEED === undefined ? {} : { seed: SEED }) };
}

/** Room for the slowest machine: about 5 ms a case is typical, allow ten times that. */
const timeoutMs = (share: number) => 60_000 + TOTAL_RUNS * share * 50;

/** The same environment the spawned CLI gets (cli-helpers passes PATH and HOME only). */
const ENV = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' };

const files = useScenarioDir();

interface Outcome {
  exitCode: number;
  /** stderr lines, as main.ts would print them. */
  lines: string[];
}

/**
 * What `fcbench validate <file> --set ...` does, in-process: load, then map any failure as main.ts
 * does. A process warning (Node prints it to stderr, unlocated and over several lines) counts as a
 * line of its own, so the contract check catches it.
 */
async function validateInProcess(file: string, sets: readonly string[]): Promise<Outcome> {
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(`(process warning) ${warning.name}: ${warning.message}`);
  process.on('warning', onWarning);
  try {
    const outcome = await loadScenario(file, { sets: [...sets], env: ENV }).then(
      (): Outcome => ({ exitCode: 0, lines: [] }),
      (error: unknown) => describeFailure(error, { debug: false }),
    );
    // Warnings are emitted on a later tick.
    await new Promise((resolve) => setImmediate(resolve));
    return { exitCode: outcome.exitCode, lines: [...outcome.lines, ...warnings] };
  } finally {
    process.off('warning', onWarning);
  }
}

/** Why `line` breaks the contract, or undefined. `text` is the file, so line:col can be checked. */
function lineProblem(line: string, file: string, text: string, sets: readonly string[]): string | undefined {
  // Tabs are harmless; any other control character breaks the line or drives the terminal.
  if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(line)) return 'holds a line break or control character';
  if (line.includes('    at ') || line.includes('internal error')) return 'is a stack trace or an internal error';
  const where = line.replace(/^(fcbench: | {2})/, '');
  // A flag is named as typed, or quoted with escapes when it holds a line break or control character.
  const quoted = (expr: string) => JSON.stringify(expr).replace(/\u007f/g, '\\u007f');
  if (sets.some((expr) => where.startsWith(`--set ${expr}: `) || where.startsWith(`--set ${quoted(expr)}: `))) return undefined;
  if (!where.startsWith(`${file}:`)) return 'names neither the file nor a --set flag';
  const match = /^:(\d+):(\d+): \S/.exec(where.slice(file.length));
  if (!match) return 'has no line:col after the file name';
  const fileLines = text.split('\n');
  const lineNo = Number(match[1]);
  const col = Number(match[2]);
  const lineText = fileLines[lineNo - 1];
  if (lineNo < 1 || lineText === undefined) return `line ${lineNo} is not in the file (${fileLines.length} lines)`;
  if (col < 1 || col > lineText.length + 1) return `column ${col} is not on line ${lineNo} (${lineText.length} characters)`;
  return undefined;
}

function expectWellFormed(outcome: Outcome, file: string, text: string, sets: readonly string[] = []): void {
  const shown = `exit ${outcome.exitCode}\n${outcome.lines.join('\n')}`;
  expect([0, 2], shown).toContain(outcome.exitCode);
  if (outcome.exitCode === 0) {
    expect(outcome.lines).toEqual([]);
    return;
  }
  expect(outcome.lines.length, shown).toBeGreaterThan(0);
  outcome.lines.forEach((line, index) => {
    expect(line.startsWith(index === 0 ? 'fcbench: ' : '  '), shown).toBe(true);
    const problem = lineProblem(line, file, text, sets);
    expect(problem, `${JSON.stringify(line)} ${problem ?? ''}`).toBeUndefined();
  });
}

/** Writes the case, validates it in-process and checks the outcome; returns what was written. */
async function check(text: string, sets: readonly string[] = []): Promise<void> {
  const file = files.write('case.yaml', text);
  expectWellFormed(await validateInProcess(file, sets), file, text, sets);
}

describe('fuzzing fcbench validate (in-process)', () => {
  it(
    'random YAML documents and random text',
    async () => {
      await fc.assert(fc.asyncProperty(randomDocumentText, (text) => check(text)), params(SHARES.documents));
    },
    timeoutMs(SHARES.documents),
  );

  it(
    'mutations of the shipped scenarios',
    async () => {
      await fc.assert(fc.asyncProperty(mutatedScenario, ({ text }) => check(text)), params(SHARES.mutations));
    },
    timeoutMs(SHARES.mutations),
  );

  it(
    '--set flags on the shipped scenarios',
    async () => {
      await fc.assert(fc.asyncProperty(scenarioWithSets, ({ text, sets }) => check(text, sets)), params(SHARES.sets));
    },
    timeoutMs(SHARES.sets),
  );
});

describe('fuzzing fcbench validate: the spawned CLI agrees with the in-process path', () => {
  const cli = useBuiltCli();
  // argv cannot carry NUL; a few samples of each kind, always the same ones.
  const argvSafe = (s: string) => !s.includes('\u0000');
  const samples: Array<{ text: string; sets: string[] }> = [
    ...fc.sample(randomDocumentText, { seed: 1, numRuns: 4 }).map((text) => ({ text, sets: [] })),
    ...fc.sample(mutatedScenario, { seed: 2, numRuns: 4 }).map(({ text }) => ({ text, sets: [] })),
    ...fc.sample(
      scenarioWithSets.filter(({ sets }) => sets.every(argvSafe)),
      { seed: 3, numRuns: 4 },
    ).map(({ text, sets }) => ({ text, sets })),
  ];

  it.each(samples.map((sample, index) => [index, sample] as const))('sample %i', async (index, { text, sets }) => {
    const file = files.write(`cli-${index}.yaml`, text);
    const inProcess = await validateInProcess(file, sets);
    // `--set=<expr>`: an expression starting with "-" must not be taken for an option.
    const spawned = await cli.run(['validate', file, ...sets.map((expr) => `--set=${expr}`)]);
    expect(spawned.code).toBe(inProcess.exitCode);
    expect(spawned.stderr).toBe(inProcess.lines.map((line) => `${line}\n`).join(''));
    if (inProcess.exitCode === 0) expect(spawned.stdout.startsWith(`ok: ${file} (`)).toBe(true);
  });
});
