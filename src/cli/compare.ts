import { appendFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { badInput, FcbenchError } from '../errors.js';
import { compareResults, DEFAULT_HISTORY_WINDOW } from '../compare/compare-results.js';
import { COMPARE_FORMATS, FORMAT_RENDERERS, isCompareFormat, type CompareFormat } from '../compare/formats/index.js';
import { renderMarkdown } from '../compare/formats/markdown.js';
import { renderText } from '../compare/formats/text.js';
import { verdictLine } from '../compare/formats/verdict-words.js';
import { DEFAULT_METRICS } from '../compare/metric-catalog.js';
import { planOutputs } from '../compare/output-plan.js';
import type { MetricSelection } from '../compare/select-metrics.js';
import { writeFileAtomic } from '../results/atomic-write.js';
import { readResults } from '../results/find-results.js';
import { collectRepeatable } from './repeatable.js';

interface CompareFlags {
  history?: string;
  window: string;
  threshold?: string[];
  metrics: string;
  format?: string[];
  out?: string;
  allowDifferentScenario?: boolean;
}

/** The defaults table of --help, from the catalog itself, so the help cannot drift from the code. */
function defaultsHelp(): string {
  const width = Math.max(...DEFAULT_METRICS.map((m) => m.path.length));
  return DEFAULT_METRICS.map((m) => {
    const closed = m.closed ? ` (closed loop: ${m.closed.tolerance} / ${m.closed.minEffect})` : '';
    const open = m.openLoopOnly ? ' (open loop only)' : '';
    return `  ${m.path.padEnd(width)}  ${m.worse === 'increase' ? 'lower is better ' : 'higher is better'}  ${m.tolerance} / ${m.minEffect}${closed}${open}`;
  }).join('\n');
}

function parseThresholds(flags: readonly string[]): Record<string, string> {
  const thresholds: Record<string, string> = {};
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq <= 0 || eq === flag.length - 1) throw badInput(`--threshold ${flag}: expected metric=tolerance, e.g. latency.endToEnd.p99=+10%`);
    thresholds[flag.slice(0, eq).trim()] = flag.slice(eq + 1).trim();
  }
  return thresholds;
}

function parseMetrics(text: string): MetricSelection {
  if (text === 'default' || text === 'all') return text;
  const list = text.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (list.length === 0) throw badInput(`--metrics ${text}: expected default, all or a comma-separated list of dotted paths`);
  return list;
}

function parseFormats(flags: readonly string[] | undefined): CompareFormat[] {
  const formats = flags === undefined || flags.length === 0 ? ['text'] : flags.flatMap((f) => f.split(','));
  for (const f of formats) if (!isCompareFormat(f)) throw badInput(`--format ${f}: expected one of ${COMPARE_FORMATS.join(', ')}`);
  return [...new Set(formats)] as CompareFormat[];
}

async function isDirectory(target: string): Promise<boolean> {
  try {
    return (await stat(target)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * `fcbench compare <baseline> <candidate>` / `fcbench compare --history <pattern> <candidate>`:
 * the CI regression gate. Exit 0 nothing regressed, 1 a regression (after writing every output),
 * 2 bad input (a file missing or not a result, different scenarios, a bad flag).
 */
export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('compare results against a baseline (or a history window); exit 1 on a regression')
    .argument('<results...>', '<baseline> <candidate>, or only <candidate> with --history; each a result file, a directory or a quoted glob of results')
    .option('--history <pattern>', 'use the last K results matching this file, directory or quoted glob as the baseline')
    .option('--window <K>', 'history window: how many past results per variant', String(DEFAULT_HISTORY_WINDOW))
    .option('--threshold <metric=tolerance>', 'allowance for a metric (any dotted path into the result), e.g. latency.endToEnd.p99=+10% (repeatable)', collectRepeatable)
    .option('--metrics <which>', 'default, all (every numeric field; extra ones shown, not gated) or a comma-separated list of paths', 'default')
    .option('--format <name>', `${COMPARE_FORMATS.join(' | ')} (repeatable; default text)`, collectRepeatable)
    .option('--out <path>', 'write the output(s) there: a file for one format, else a directory of compare.<ext> files')
    .option('--allow-different-scenario', 'compare results of different scenarios (name or hash) instead of refusing')
    .addHelpText(
      'after',
      `
Default metrics: direction, then tolerance (single runs) / minimum effect (3+ results a side):
${defaultsHelp()}

Tolerances: "+10%" (relative to the baseline), "+2ms", "-0.02" (absolute, in the metric's unit);
+ means a rise is worse, - a fall. With two terms ("+100% +0.5ms") a change must exceed both.
Noise: with 3+ results a side (fcbench run --trials N), a metric regresses only when the 95%
bootstrap CI of the difference in medians (2,000 seeded resamples) is clearly worse AND the change
is beyond the minimum effect; latency percentiles are read from each side's merged HDR histograms.
With fewer, the tolerance alone decides. --history: the last K results (by startedAt) of the same
scenario, variant and hash; regressed when beyond the tolerance from the window's median (HDR-merged
for latency) and worse than every result in the window. The "why" column names the method.
Matrix results are paired by variant label. Markdown is also appended to $GITHUB_STEP_SUMMARY when set.

Examples:
  fcbench compare baseline.json 'results/quickstart-*.json'    (quote globs: fcbench expands them)
  fcbench compare baselines/ results/ --format md --format junit --out compare/
  fcbench compare --history 'history/*.json' result.json --window 10
  fcbench compare base.json cand.json --threshold latency.endToEnd.p99=+10% --threshold tiers.local.hitRatio=-0.02

Exit codes: 0 no regression, 1 a regression, 2 bad input (missing or unreadable file, not a result,
unknown schemaVersion, different scenarios without --allow-different-scenario, a bad flag).`,
    )
    .action(async (args: string[], flags: CompareFlags) => {
      const expected = flags.history === undefined ? 2 : 1;
      if (args.length !== expected) {
        throw badInput(
          flags.history === undefined
            ? `compare: expected <baseline> <candidate>, got ${args.length} argument${args.length === 1 ? '' : 's'} (quote globs so the shell does not expand them)`
            : `compare --history: expected only <candidate>, got ${args.length} arguments (quote globs so the shell does not expand them)`,
        );
      }
      const window = Number(flags.window);
      if (!Number.isInteger(window) || window < 1) throw badInput(`--window ${flags.window}: expected an integer >= 1`);
      const thresholds = parseThresholds(flags.threshold ?? []);
      const metrics = parseMetrics(flags.metrics);
      const formats = parseFormats(flags.format);
      const baseline = await readResults(flags.history ?? args[0]!);
      const candidate = await readResults(args[expected - 1]!);
      const comparison = compareResults(baseline, candidate, {
        mode: flags.history === undefined ? 'pair' : 'history',
        window,
        metrics,
        thresholds,
        allowDifferentScenario: flags.allowDifferentScenario === true,
      });

      if (flags.out === undefined) {
        process.stdout.write(formats.map((f) => FORMAT_RENDERERS[f].stdout(comparison)).join('\n'));
      } else {
        const outIsDirectory = flags.out.endsWith('/') || flags.out.endsWith(path.sep) || (await isDirectory(flags.out));
        const files = planOutputs(comparison, formats, flags.out, outIsDirectory);
        for (const file of files) await writeFileAtomic(file.path, file.content);
        // The CI log still shows the table; the files are for the CI system.
        process.stdout.write(`${renderText(comparison)}${files.map((f) => `wrote: ${f.path}\n`).join('')}`);
      }
      const summary = process.env['GITHUB_STEP_SUMMARY'];
      if (summary !== undefined && summary !== '') {
        try {
          await appendFile(summary, `${renderMarkdown(comparison)}\n`);
        } catch (error) {
          process.stderr.write(`fcbench: could not append to GITHUB_STEP_SUMMARY (${summary}): ${(error as Error).message}\n`);
        }
      }
      if (comparison.regressed) throw new FcbenchError('threshold', verdictLine(comparison));
    });
}
