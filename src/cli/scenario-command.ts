import type { Command } from 'commander';
import { FcbenchError } from '../errors.js';
import type { MetricsSnapshot } from '../metrics/recorder.js';
import { runScenario, type RunScenarioOptions } from '../run-scenario.js';
import { checkWritableDir, type WriteFailure } from '../results/output-dir.js';
import { loadScenario, type LoadedScenario } from '../scenario/load.js';
import { formatProgress, formatSummary } from './format-summary.js';
import { readToolVersion } from './tool-version.js';
import { collectRepeatable } from './repeatable.js';

/** The flags `run` and `simulate` share: where output goes, what is printed, what is overridden. */
export interface ScenarioOutputFlags {
  out: string;
  report: string | false;
  seed?: string;
  duration?: string;
  set?: string[];
  quiet?: boolean;
  json?: boolean;
}

/** Registers the shared flags on `command`, in the order `--help` lists them. */
export function addScenarioOutputFlags(command: Command): Command {
  return command
    .option('--out <dir>', 'directory for result JSON files', 'results')
    .option('--report <dir>', 'directory for the HTML report', 'reports')
    .option('--no-report', 'do not write an HTML report')
    .option('--seed <n>', 'override the scenario seed')
    .option('--duration <d>', 'override the measured duration, e.g. 30s')
    .option('--set <path=value>', 'override any field; the value is YAML (repeatable)', collectRepeatable);
}

/** `--quiet` and `--json`, registered last so `--help` keeps them together. */
export function addPrintFlags(command: Command): Command {
  return command
    .option('--quiet', 'print only the paths written')
    .option('--json', 'print the result document(s) to stdout (an array for several variants)');
}

export interface ScenarioCommandSetup {
  /** `--sweep` expressions (simulate): extra matrix axes. */
  sweeps?: string[];
  /** Checks that must pass before anything runs (flags, files), with the loaded scenario. */
  prepare?: (loaded: LoadedScenario) => Promise<void> | void;
  /** The rest of runScenario's options (Redis, trials, a variant runner). */
  run: Omit<RunScenarioOptions, 'outDir' | 'reportDir' | 'env' | 'signal' | 'toolVersion' | 'onVariantStart' | 'onProgress' | 'onResult'>;
  /** Verb in the per-variant line: `running`, `simulating`. */
  verb: string;
  /** What the first signal does (said when it arrives). */
  interruptNote: string;
  /** Appended when a second signal stops at once (`the run's Redis keys may remain`). @default none */
  abortNote?: string;
}

/**
 * The body of `run` and `simulate`: load the scenario with the overrides, check the output
 * folders before any work, run every variant (Ctrl-C stops cleanly), write results and one report,
 * print, and map outcomes to exit codes (1 threshold, 3 write failed, 130 interrupted).
 */
export async function executeScenarioCommand(file: string, flags: ScenarioOutputFlags, setup: ScenarioCommandSetup): Promise<void> {
  const seed = flags.seed === undefined ? undefined : parseSeed(flags.seed);
  const loaded = await loadScenario(file, {
    sets: flags.set ?? [],
    env: process.env,
    ...(setup.sweeps === undefined ? {} : { sweeps: setup.sweeps }),
    ...(seed === undefined ? {} : { seed }),
    ...(flags.duration === undefined ? {} : { duration: flags.duration }),
  });
  await setup.prepare?.(loaded);
  // Before any load is sent or any key written: a long run must not find out at the end.
  await checkWritableDir(flags.out, '--out');
  if (flags.report !== false) await checkWritableDir(flags.report, '--report');
  const controller = new AbortController();
  const written: string[] = [];
  // Ctrl-C and SIGTERM (a cancelled CI job) alike: the first stops cleanly, a second at once.
  const onSignal = (signal: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      process.stderr.write(`\ninterrupted (${signal}): ${setup.interruptNote} (send it again to stop at once)\n`);
      controller.abort();
      return;
    }
    const saved = written.length === 0 ? 'nothing was written yet' : `already written: ${written.join(', ')}`;
    process.stderr.write(`\nfcbench: stopped at once by a second ${signal}; ${saved}${setup.abortNote === undefined ? '' : `; ${setup.abortNote}`}\n`);
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const interactive = !flags.quiet && process.stderr.isTTY === true;
  const say = (text: string) => {
    if (!flags.quiet) process.stderr.write(`${text}\n`);
  };
  try {
    const outcome = await runScenario(loaded, {
      ...setup.run,
      outDir: flags.out,
      reportDir: flags.report === false ? null : flags.report,
      env: process.env,
      signal: controller.signal,
      toolVersion: readToolVersion(),
      onVariantStart: (variant, index, total) =>
        say(`${total > 1 ? `[${index + 1}/${total}] ` : ''}${setup.verb} ${variant.scenario.name}${variant.label ? ` [${variant.label}]` : ''}`),
      onProgress: (phase, snapshot) => {
        if (flags.quiet) return;
        const line = progressLine(phase, snapshot);
        process.stderr.write(interactive ? `\r${line}\u001b[K` : `${line}\n`);
      },
      onResult: (result, path, failure) => {
        written.push(path);
        if (interactive) process.stderr.write('\r\u001b[K');
        if (failure !== null) process.stderr.write(`fcbench: ${describeWriteFailure('result', failure)}\n`);
        if (!flags.quiet && !flags.json) process.stderr.write(`${formatSummary(result)}\n`);
        if (result.shard !== undefined && result.thresholds.some((t) => !t.passed)) {
          say(`note: shard ${result.shard.index}/${result.shard.count}: thresholds are judged on the merged result (fcbench merge), so they do not set this shard's exit code`);
        }
        process.stdout.write(flags.json ? '' : `result: ${path}\n`);
      },
    });
    if (flags.json) {
      const docs = outcome.results.map((r) => r.result);
      process.stdout.write(`${JSON.stringify(docs.length === 1 ? docs[0] : docs, null, 2)}\n`);
    } else if (outcome.reportPath !== null) {
      process.stdout.write(`report: ${outcome.reportPath}\n`);
    }
    const [firstFailure, ...moreFailures] = outcome.writeFailures;
    if (firstFailure !== undefined) {
      throw new FcbenchError('environment', describeWriteFailure('output', firstFailure), {
        details: moreFailures.map((f) => describeWriteFailure('output', f)),
      });
    }
    if (outcome.interrupted) throw new FcbenchError('interrupted', 'interrupted: partial results written');
    if (outcome.thresholdsFailed) throw new FcbenchError('threshold', 'a threshold failed (see above)');
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

function describeWriteFailure(what: string, f: WriteFailure): string {
  const saved = f.rescuedTo === null ? 'and saving it to the temp directory failed too' : `saved to ${f.rescuedTo} instead`;
  return `could not write the ${what} to ${f.intended}: ${f.reason}; ${saved}`;
}

function parseSeed(text: string): number {
  const seed = Number(text);
  if (!Number.isInteger(seed) || seed < 0) throw new FcbenchError('bad-input', `--seed ${text}: expected an integer >= 0`);
  return seed;
}

function progressLine(phase: 'warmup' | 'measure', s: MetricsSnapshot): string {
  return formatProgress({
    phase: phase === 'warmup' ? 'warmup ' : 'measure',
    elapsedMs: s.elapsedMs,
    rps: s.lastBucket?.rps ?? s.achievedRps,
    p99Ms: s.p99,
    localHitRatio: s.localHitRatio,
    redisHitRatio: s.redisHitRatio,
    errors: s.erred,
  });
}
