import { dirname } from 'node:path';
import type { Command } from 'commander';
import { FcbenchError } from '../errors.js';
import { writeFileAtomic } from '../results/atomic-write.js';
import { mergeShardResults } from '../results/merge-results.js';
import { checkWritableDir } from '../results/output-dir.js';
import { readResults } from '../results/find-results.js';
import { resultJson, resultPath } from '../results/write-result.js';

interface MergeFlags {
  out?: string;
}

/**
 * `fcbench merge <results...> [--out file]`: the shards of one sharded run as one result. Every
 * file is read and checked (one scenario, one shard count, every index once) before anything is
 * written; the merged result is written atomically.
 */
export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description('merge the shard results of one sharded run (fcbench run --shard i/N) into one result')
    .argument('<results...>', 'shard result files (or folders of them, or quoted globs), one per shard index')
    .option('--out <file>', 'merged result file (default: results/<name>[-<variant>]-<stamp>.json)')
    .addHelpText(
      'after',
      `
Examples:
  fcbench merge results/shard-*.json
  fcbench merge /results/shards/            # every *.json in the folder
  fcbench merge s0.json s1.json s2.json --out merged.json && fcbench report merged.json

Counters are summed, HDR histograms merged (a merged p99 is the p99 of all requests), timelines
aligned on the earliest start, cost and thresholds recomputed. Miss-ratio curves are left out.
Exit codes: 0 ok, 1 a scenario threshold failed on the merged result (it is written), 2 bad input (fewer than two files, different scenarios or shard counts, a missing
or duplicated index, an unreadable file).`,
    )
    .action(async (files: string[], flags: MergeFlags) => {
      const results = [];
      for (const arg of files) for (const { file, result } of await readResults(arg)) results.push({ file, doc: result });
      const merged = mergeShardResults(results);
      const out = flags.out ?? resultPath(merged, 'results');
      await checkWritableDir(dirname(out), '--out');
      await writeFileAtomic(out, resultJson(merged));
      const failed = merged.thresholds.filter((t) => !t.passed);
      process.stdout.write(`merged ${merged.shards!.count} shards: ${merged.requests.total.toLocaleString('en-US')} requests, p99 ${merged.latency.endToEnd.p99} ms\nresult: ${out}\n`);
      // The merged result is the run's verdict: its thresholds gate as run's do (exit 1, result written).
      if (failed.length > 0) throw new FcbenchError('threshold', `threshold failed on the merged result: ${failed.map((t) => `${t.metric} ${t.expression} (was ${t.actual})`).join('; ')}`);
    });
}
