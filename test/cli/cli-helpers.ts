import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, inject } from 'vitest';
import { compileCli } from './compile-cli.js';
import type { ResultDocument } from '../../src/results/result-types.js';

/** The real `fcbench` CLI for end-to-end tests, spawned as a user runs it (see compile-cli.ts for the build). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  /** Added to a clean environment (PATH and HOME only), so the developer's REDIS_URL never leaks in. */
  env?: Record<string, string>;
  stdin?: string;
}

/**
 * The CLI compiled once per test run by test/global-setup.ts (a no-op cleanup); compiled here when
 * a file runs outside that setup.
 */
export async function buildCli(): Promise<{ mainJs: string; cleanup(): void }> {
  const shared = inject('fcbenchCliMain');
  if (shared !== undefined && existsSync(shared)) return { mainJs: shared, cleanup: () => undefined };
  return compileCli();
}

/** Runs `node main.js ...args`; never rejects, the exit code is in the result. */
export function runCliProcess(mainJs: string, args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const env: Record<string, string> = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...options.env };
    const child = spawn(process.execPath, [mainJs, ...args], { cwd: options.cwd ?? REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

/** A CLI process still running: wait for its stderr to show something, signal it, await its end. */
export interface RunningCli {
  readonly child: ChildProcess;
  /** Resolves once stderr matches `pattern` (rejects if the process ends first). */
  stderrMatches(pattern: RegExp): Promise<void>;
  readonly done: Promise<CliResult>;
}

/** Spawns `node main.js ...args` and returns at once, so a test can act mid-run (kill Redis, send SIGTERM). */
export function startCliProcess(mainJs: string, args: readonly string[], options: RunOptions = {}): RunningCli {
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...options.env };
  const child = spawn(process.execPath, [mainJs, ...args], { cwd: options.cwd ?? REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<{ pattern: RegExp; resolve(): void; reject(error: Error): void }>();
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const w of waiters) {
      if (w.pattern.test(stderr)) {
        waiters.delete(w);
        w.resolve();
      }
    }
  });
  const done = new Promise<CliResult>((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      for (const w of waiters) w.reject(new Error(`the CLI exited (${code}) before stderr matched ${w.pattern}:\n${stderr}`));
      waiters.clear();
      resolvePromise({ code, stdout, stderr });
    });
  });
  child.stdin!.end(options.stdin ?? '');
  return {
    child,
    done,
    stderrMatches: (pattern) =>
      pattern.test(stderr) ? Promise.resolve() : new Promise<void>((resolve, reject) => waiters.add({ pattern, resolve, reject })),
  };
}

/** Builds the CLI in beforeAll and removes it in afterAll; `run` spawns it and waits, `start` returns at once. */
export function useBuiltCli(): {
  run(args: readonly string[], options?: RunOptions): Promise<CliResult>;
  start(args: readonly string[], options?: RunOptions): RunningCli;
} {
  let built: { mainJs: string; cleanup(): void } | undefined;
  beforeAll(async () => {
    built = await buildCli();
  }, 120_000);
  afterAll(() => built?.cleanup());
  return {
    run(args, options) {
      if (!built) throw new Error('useBuiltCli: the CLI is not built yet (call run inside a test)');
      return runCliProcess(built.mainJs, args, options);
    },
    start(args, options) {
      if (!built) throw new Error('useBuiltCli: the CLI is not built yet (call start inside a test)');
      return startCliProcess(built.mainJs, args, options);
    },
  };
}

/** Every result document (`*.json`) in `dir`, parsed. */
/** A scenario file `scenario.yaml` holding `text`, in a fresh temporary folder named after `prefix`. */
export function writeScenario(prefix: string, text: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const file = join(dir, 'scenario.yaml');
  writeFileSync(file, text);
  return { dir, file };
}

export function readResultFiles(dir: string): ResultDocument[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as ResultDocument);
}
