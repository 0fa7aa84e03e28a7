#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { redactText } from '../redact.js';
import { describeFailure } from './exit.js';
import { readToolVersion } from './tool-version.js';

/**
 * The `fcbench` command line. Each command lives in its own file and registers itself with
 * `registerX(program)`; this file builds the program, runs it and maps failures to exit codes.
 * It is the only place that sets the process exit code.
 */

type Register = (program: Command) => void;

/**
 * Every command, in the order `--help` lists them, each imported only when needed: a command's
 * module pulls in its whole subsystem (the cascade, PostgreSQL, the codec lab...), and loading all
 * ~280 modules cost every invocation about half a second before doing anything.
 */
const COMMANDS: ReadonlyArray<readonly [string, () => Promise<Register>]> = [
  ['run', async () => (await import('./run.js')).registerRun],
  ['simulate', async () => (await import('./simulate.js')).registerSimulate],
  ['validate', async () => (await import('./validate.js')).registerValidate],
  ['report', async () => (await import('./report.js')).registerReport],
  ['compare', async () => (await import('./compare.js')).registerCompare],
  ['codecs', async () => (await import('./codecs.js')).registerCodecs],
  ['schema', async () => (await import('./schema.js')).registerSchema],
  ['source', async () => (await import('./source.js')).registerSource],
  ['analyze', async () => (await import('./analyze.js')).registerAnalyze],
  ['merge', async () => (await import('./merge.js')).registerMerge],
  ['manifest', async () => (await import('./manifest.js')).registerManifest],
  ['warm', async () => (await import('./warm.js')).registerWarm],
];

/**
 * The program with `only` registered when it names a command (`fcbench run ...`), else with every
 * command: `--help`, a typo (commander suggests the nearest name) or no command at all.
 */
export async function buildProgram(only?: string): Promise<Command> {
  const known = COMMANDS.find(([name]) => name === only);
  const registers = await Promise.all((known ? [known] : COMMANDS).map(([, load]) => load()));
  const program = baseProgram();
  for (const register of registers) register(program);
  return program;
}

function baseProgram(): Command {
  const program = new Command('fcbench')
    .description('Benchmark and load-simulate feature-store cache cascades: local LRU -> Redis -> feature store.')
    .version(readToolVersion(), '-V, --version', 'print the fcbench version')
    // Program options only before the command name: `source load --version v8` is the command's own flag.
    .enablePositionalOptions()
    .showHelpAfterError('(add --help for usage)')
    // Usage errors read like every other failure: `fcbench: unknown option '--x'`.
    // Redacted: commander echoes what was typed (`--redsi=redis://:pw@h`).
    .configureOutput({ outputError: (text, write) => write(redactText(`fcbench: ${text.replace(/^error: /, '')}`)) })
    // Throw instead of exiting, so usage errors map to exit 2 like every other bad input.
    .exitOverride();
  program.addHelpText(
    'after',
    `
Examples:
  fcbench run scenarios/quickstart.yaml
  fcbench run scenarios/http-replicas.yaml        (real replica processes over HTTP)
  fcbench report results/quickstart-*.json --out reports/compare.html
  fcbench compare baseline.json results/quickstart-<stamp>.json --format md --out compare.md
  fcbench validate scenarios/quickstart.yaml
  fcbench validate scenarios/stampede.yaml --set cascade.replicas=4 --connect
  fcbench schema > scenario.schema.json
  fcbench codecs --payload scenarios/quickstart.yaml
  fcbench simulate scenarios/capacity-planning.yaml --sweep cascade.local.maxEntries=1000,5000,20000
  fcbench manifest scenarios/quickstart.yaml --top 1000 --out warm.manifest
  fcbench warm warm.manifest --scenario scenarios/quickstart.yaml

Exit codes: 0 ok, 1 threshold or regression gate failed, 2 bad input, 3 environment (Redis), 130 interrupted.
Set FCBENCH_DEBUG=1 to print stack traces.`,
  );
  return program;
}

/** Runs the CLI on `argv` (as `process.argv`); returns the exit code, having printed any failure. */
export async function runCli(argv: readonly string[]): Promise<number> {
  try {
    // argv[2] is the command: program options (--help, --version) only come before it.
    await (await buildProgram(argv[2])).parseAsync([...argv]);
    return 0;
  } catch (error) {
    const report = describeFailure(error, { debug: process.env['FCBENCH_DEBUG'] === '1' });
    for (const line of report.lines) process.stderr.write(`${line}\n`);
    return report.exitCode;
  }
}

function isEntryPoint(): boolean {
  const invoked = process.argv[1];
  if (invoked === undefined) return false;
  try {
    // npm's bin link is a symlink: compare real paths.
    return realpathSync(invoked) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  // `fcbench --help | head`: a reader that stops early is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
  // exitCode rather than exit(): lets piped stdout (fcbench schema | ...) flush completely.
  process.exitCode = await runCli(process.argv);
  // A finished command should not linger on a stray socket or timer; unref'd, so a clean exit
  // (and fully flushed piped output) happens first whenever nothing is left running.
  setTimeout(() => process.exit(), 2000).unref();
}
