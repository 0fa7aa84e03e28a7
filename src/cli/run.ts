import type { Command } from 'commander';
import { FcbenchError } from '../errors.js';
import type { MetricsSnapshot } from '../metrics/recorder.js';
import { runScenario } from '../run-scenario.js';
import { checkWritableDir, type WriteFailure } from '../results/output-dir.js';
import { loadScenario } from '../scenario/load.js';
import { formatProgress, formatSummary } from './format-summary.js';
import { readToolVersion } from './tool-version.js';
import { collectRepeatable } from './validate.js';

interface RunFlags {
  out: string;
  report: string | false;
  redis?: string;
  seed?: string;
  duration?: string;
  set?: string[];
  trials: string;
  interleave?: boolean;
  quiet?: boolean;
  json?: boolean;
  keepKeys?: boolean;
  allowRemote?: boolean;
}

/**
 * `fcbench run <scenario.yaml>`: runs every variant against a real Redis, writes one result JSON
 * per variant and an HTML report, prints a summary; exit 1 when a threshold fails, 130 when
 * interrupted (partial results written), 2 bad input, 3 environment.
 */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run a scenario against a real Redis; write results (JSON) and an HTML report')
    .argument('<scenario>', 'scenario file (YAML)')
    .option('--out <dir>', 'directory for result JSON files', 'results')
    .option('--report <dir>', 'directory for the HTML report', 'reports')
    .option('--no-report', 'do not write an HTML report')
    .option('--redis <url>', 'Redis to use (overrides cascade.redis.url; loopback only unless the scenario allows remote)')
    .option('--seed <n>', 'override the scenario seed')
    .option('--duration <d>', 'override the measured duration, e.g. 30s')
    .option('--set <path=value>', 'override any field; the value is YAML (repeatable)', collectRepeatable)
    .option('--trials <n>', 'run each variant N times; results carry trial {group, index, of} for fcbench compare', '1')
    .option('--interleave', 'with --trials, run the variants in rotation (A B A B) so machine drift spreads evenly')
    .option('--keep-keys', 'leave the run\'s keys in Redis (default: deleted with SCAN + UNLINK on the run\'s prefix)')
    .option('--allow-remote', 'load.mode http: allow a load.target that is not a loopback address (also load.allowRemote)')
    .option('--quiet', 'print only the paths written')
    .option('--json', 'print the result document(s) to stdout (an array for several variants)')
    .addHelpText(
      'after',
      `
Examples:
  fcbench run scenarios/quickstart.yaml
  fcbench run scenarios/codec-shootout.yaml --duration 10s --out results/ --report reports/
  fcbench run scenarios/stampede.yaml --set 'stampede={strategy: redis-lock}' --json > result.json
  fcbench run scenarios/http-replicas.yaml --set load.driver=autocannon
  fcbench run scenarios/http-replicas.yaml --set 'load.target="http://127.0.0.1:8080/features/{entity}?sets={sets}"' --set events=[]
  REDIS_URL=redis://127.0.0.1:6379 fcbench run scenarios/quickstart.yaml --quiet

Redis: --redis, else cascade.redis.url; "auto" = REDIS_URL if set, else a private redis-server on a
free loopback port (stopped afterwards). Keys live under <keyPrefix>:<run id> and are deleted after.
Ctrl-C or SIGTERM stops issuing, lets in-flight requests finish, writes partial results, deletes the
keys and exits 130; a second signal exits at once, naming what was already written.
--out and --report are checked (created, and a probe file written) before any load is sent. A result
that cannot be written at the end (disk full, permissions) is saved to <tmpdir>/fcbench-rescued/.
If Redis dies or stalls mid-run, the run finishes its schedule under the failure policy and says so.
HTTP serving (load.mode: http, scenarios/http-replicas.yaml): target builtin starts cascade.replicas
serving processes (own cascade and local LRU each, sharing the Redis), stopped on every exit path;
a URL target drives your own service (loopback only unless --allow-remote; checked before anything
is sent). driver: open is an open loop at load.rate (latency from each intended start); driver:
autocannon is a closed loop. Per-tier figures come from the Server-Timing header (docs/service-contract.md).
Exit codes: 0 ok, 1 threshold failed, 2 bad input, 3 environment (Redis at start, a write that
failed at the end), 130 interrupted.`,
    )
    .action(async (file: string, flags: RunFlags) => {
      const trials = Number(flags.trials);
      if (!Number.isInteger(trials) || trials < 1) throw new FcbenchError('bad-input', `--trials ${flags.trials}: expected an integer >= 1`);
      const seed = flags.seed === undefined ? undefined : parseSeed(flags.seed);
      const loaded = await loadScenario(file, {
        sets: flags.set ?? [],
        env: process.env,
        ...(seed === undefined ? {} : { seed }),
        ...(flags.duration === undefined ? {} : { duration: flags.duration }),
      });
      // Before any load is sent or any key written: a long run must not find out at the end.
      await checkWritableDir(flags.out, '--out');
      if (flags.report !== false) await checkWritableDir(flags.report, '--report');
      const controller = new AbortController();
      const written: string[] = [];
      // Ctrl-C and SIGTERM (a cancelled CI job) alike: the first stops cleanly, a second at once.
      const onSignal = (signal: NodeJS.Signals) => {
        if (!controller.signal.aborted) {
          process.stderr.write(
            `\ninterrupted (${signal}): finishing in-flight requests, writing partial results, deleting keys (send it again to stop at once)\n`,
          );
          controller.abort();
          return;
        }
        const saved = written.length === 0 ? 'nothing was written yet' : `already written: ${written.join(', ')}`;
        process.stderr.write(`\nfcbench: stopped at once by a second ${signal}; ${saved}; the run's Redis keys may remain\n`);
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
          outDir: flags.out,
          reportDir: flags.report === false ? null : flags.report,
          redisUrl: flags.redis,
          env: process.env,
          signal: controller.signal,
          keepKeys: flags.keepKeys,
          allowRemote: flags.allowRemote === true,
          trials,
          interleave: flags.interleave === true,
          toolVersion: readToolVersion(),
          onVariantStart: (variant, index, total) =>
            say(`${total > 1 ? `[${index + 1}/${total}] ` : ''}running ${variant.scenario.name}${variant.label ? ` [${variant.label}]` : ''}`),
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
    });
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
