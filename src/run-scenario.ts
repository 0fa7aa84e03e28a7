import { randomBytes } from 'node:crypto';
import type { MetricsSnapshot } from './metrics/recorder.js';
import { runVariant, type ShardRun } from './load/run-variant.js';
import { renderReport } from './report/render-report.js';
import { reportPath } from './report/write-report.js';
import { writeOrRescue, type WriteFailure } from './results/output-dir.js';
import type { ResultDocument } from './results/result-types.js';
import { resultJson, resultPath } from './results/write-result.js';
import type { LoadedScenario, ScenarioVariant } from './scenario/load.js';

export interface RunScenarioOptions {
  /** Where result JSON files go. @default 'results' */
  outDir: string;
  /** Where the HTML report goes; null = no report (`--no-report`). @default 'reports' */
  reportDir: string | null;
  redisUrl?: string | undefined;
  env?: Record<string, string | undefined>;
  signal?: AbortSignal | undefined;
  keepKeys?: boolean | undefined;
  /** `--allow-remote`: an HTTP target (load.target) may be a non-loopback host. @default false */
  allowRemote?: boolean | undefined;
  toolVersion: string;
  /** `--trials N`: run each variant N times (each its own result, with `trial` set when N > 1). @default 1 */
  trials?: number | undefined;
  /**
   * `--interleave`: run trials in rotation over the variants (A B A B) instead of each variant's
   * trials back to back (A A B B), so drift of the machine during the run spreads over every variant.
   * @default false
   */
  interleave?: boolean | undefined;
  /**
   * `--shard i/N`: this process runs shard i of every variant and trial. Each run of the sequence
   * gets its own group (`<group>-<n>` when there are several), the same in every shard, so the
   * shards meet at each run's barrier in step.
   */
  shard?: ShardRun | undefined;
  /**
   * Runs one variant instead of the real run (`fcbench simulate` passes the simulation); the
   * writing, rescue and report plumbing stay the same. @default runVariant against Redis
   */
  variantRunner?: ((variant: ScenarioVariant) => Promise<ResultDocument>) | undefined;
  onVariantStart?: ((variant: ScenarioVariant, index: number, total: number) => void) | undefined;
  onProgress?: ((phase: 'warmup' | 'measure', snapshot: MetricsSnapshot) => void) | undefined;
  /** `path` is where the result was written: the rescue directory when `failure` is set. */
  onResult?: ((result: ResultDocument, path: string, failure: WriteFailure | null) => void) | undefined;
}

export interface RunScenarioOutcome {
  results: { result: ResultDocument; path: string }[];
  reportPath: string | null;
  /** Some threshold failed in some variant (exit 1 once everything is written). */
  thresholdsFailed: boolean;
  /** Stopped by the signal: results written so far are marked partial (exit 130). */
  interrupted: boolean;
  /** Results or the report that could not be written where asked (saved to the rescue directory; exit 3). */
  writeFailures: WriteFailure[];
}

/** The runs in order, each with its 1-based trial number: A A B B, or A B A B when interleaved. */
export function trialOrder<V>(variants: readonly V[], trials: number, interleave: boolean): { variant: V; trial: number }[] {
  const trialNumbers = Array.from({ length: trials }, (_, i) => i + 1);
  return interleave
    ? trialNumbers.flatMap((trial) => variants.map((variant) => ({ variant, trial })))
    : variants.flatMap((variant) => trialNumbers.map((trial) => ({ variant, trial })));
}

/**
 * `fcbench run` as a library call: every variant (matrix) in turn, each result written atomically
 * as soon as it exists, then one report over all of them. Variants after an interrupt are skipped.
 */
export async function runScenario(loaded: LoadedScenario, options: RunScenarioOptions): Promise<RunScenarioOutcome> {
  const results: RunScenarioOutcome['results'] = [];
  const writeFailures: WriteFailure[] = [];
  const trials = options.trials ?? 1;
  const runs = trialOrder(loaded.variants, trials, options.interleave === true);
  // One id for everything this invocation runs: `fcbench compare` counts them as trials of one run.
  const group = randomBytes(6).toString('hex');
  for (const [index, { variant, trial }] of runs.entries()) {
    if (options.signal?.aborted) break;
    options.onVariantStart?.(variant, index, runs.length);
    const measured = options.variantRunner
      ? await options.variantRunner(variant)
      : await runVariant(variant, {
          redisUrl: options.redisUrl,
          env: options.env,
          signal: options.signal,
          onProgress: options.onProgress,
          keepKeys: options.keepKeys,
          allowRemote: options.allowRemote,
          scenarioDir: loaded.dir,
          toolVersion: options.toolVersion,
          shard: options.shard === undefined || runs.length === 1 ? options.shard : { ...options.shard, group: `${options.shard.group}-${index + 1}` },
        });
    const result: ResultDocument =
      trials > 1 ? { ...measured, trial: { group, index: trial, of: trials, interleaved: options.interleave === true } } : measured;
    // A full disk at the end must not lose the run: the result goes to the rescue directory instead.
    const { path, failure } = await writeOrRescue(resultPath(result, options.outDir), resultJson(result));
    if (failure !== null) writeFailures.push(failure);
    results.push({ result, path });
    options.onResult?.(result, path, failure);
  }
  let writtenReport: string | null = null;
  if (options.reportDir !== null && results.length > 0) {
    const docs = results.map((r) => r.result);
    const { path, failure } = await writeOrRescue(reportPath(docs, options.reportDir), renderReport(docs));
    if (failure !== null) writeFailures.push(failure);
    writtenReport = path;
  }
  return {
    results,
    reportPath: writtenReport,
    writeFailures,
    // A shard's thresholds are judged on the merged result (fcbench merge), not on its part of the load.
    thresholdsFailed: results.some((r) => r.result.shard === undefined && r.result.thresholds.some((t) => !t.passed)),
    interrupted: options.signal?.aborted === true,
  };
}
