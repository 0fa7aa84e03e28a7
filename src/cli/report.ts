import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { renderReport } from '../report/render-report.js';
import { writeReport } from '../report/write-report.js';
import { writeFileAtomic } from '../results/atomic-write.js';
import { compareResults } from '../compare/compare-results.js';
import type { RenderReportOptions } from '../report/render-report.js';
import { readResults } from '../results/find-results.js';
import { readResult } from '../results/read-result.js';

/** Where reports go without `--out`, relative to the working directory. */
export const DEFAULT_REPORT_DIR = 'reports';

interface ReportFlags {
  out?: string;
  title?: string;
  baseline?: string;
  allowDifferentScenario?: boolean;
}

async function isDirectory(target: string): Promise<boolean> {
  try {
    return (await stat(target)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * `fcbench report <result.json...> [--out file.html] [--title text]`: one result gives its report,
 * several give a side-by-side comparison (the first is the baseline). `--baseline` opens the page
 * with `fcbench compare`'s verdicts against those results. Prints the written path. A
 * missing, non-JSON or wrong-version result file throws `bad-input` (exit 2, mapped by main).
 */
export function registerReport(program: Command): void {
  program
    .command('report')
    .description('render result files as one self-contained HTML report (several: side by side, the first as baseline)')
    .argument('<result.json...>', 'result files written by `fcbench run`')
    .option('--out <file.html>', `report file, or an existing directory to put it in (default: ${DEFAULT_REPORT_DIR}/<name>-<stamp>.html)`)
    .option('--title <text>', 'page title (default: scenario name and variant)')
    .option('--baseline <results>', 'baseline result file, directory or quoted glob: the page opens with fcbench compare\'s verdicts (default metrics and tolerances; exit 0 either way)')
    .option('--allow-different-scenario', 'with --baseline: compare results of different scenarios instead of refusing')
    .action(async (files: string[], flags: ReportFlags) => {
      const candidates = [];
      for (const file of files) candidates.push({ file, result: await readResult(file) });
      // The baseline goes first, so the side-by-side section's differences are relative to it too.
      const baseline = flags.baseline === undefined ? [] : await readResults(flags.baseline);
      const results = [...baseline, ...candidates].map((r) => r.result);
      const options: RenderReportOptions = flags.title === undefined ? {} : { title: flags.title };
      if (flags.baseline !== undefined) {
        options.comparison = compareResults(baseline, candidates, { allowDifferentScenario: flags.allowDifferentScenario === true });
      }
      let written: string;
      if (flags.out === undefined) {
        written = await writeReport(results, DEFAULT_REPORT_DIR, undefined, options);
      } else if (flags.out.endsWith('/') || flags.out.endsWith(path.sep) || (await isDirectory(flags.out))) {
        written = await writeReport(results, flags.out, undefined, options);
      } else {
        // An explicit file name is the user's choice: write exactly there.
        written = path.resolve(flags.out);
        await writeFileAtomic(written, renderReport(results, options));
      }
      process.stdout.write(`${written}\n`);
    });
}
