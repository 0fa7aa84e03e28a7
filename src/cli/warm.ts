import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { batchSteps } from '../batch/batch-steps.js';
import { systemClock } from '../cascade/clock.js';
import { badInput, FcbenchError } from '../errors.js';
import { buildSource, type BuiltSource } from '../load/build-source.js';
import { buildWorkload } from '../load/build-workload.js';
import { warmEncodingFor, warmWriterFor } from '../load/warm-writer-for.js';
import { provisionRedis } from '../redis/provision.js';
import { loadScenario } from '../scenario/load.js';
import { openWarmInput } from '../warm/open-input.js';
import { createProgressThrottle, LOG_LINE_MS, TTY_REDRAW_MS } from './load-progress.js';
import { collectRepeatable } from './repeatable.js';
import { formatWarmOutcome, formatWarmProgress } from './warm-progress.js';

interface WarmFlags {
  scenario?: string;
  redis?: string;
  rate?: string;
  batch?: string;
  featureSet?: string;
  entityColumn: string;
  resume?: boolean;
  allowRemote?: boolean;
  set?: string[];
  quiet?: boolean;
}

const MAX_BATCH = 100_000;

/**
 * `fcbench warm <input> --scenario <scenario.yaml>`: writes a manifest's entities (values from the
 * scenario's source), or a Parquet / Arrow file's rows, into Redis under the scenario's key prefix
 * as given (the shared layout a run with `cascade.redis.shared: true` reads). Flags, input header
 * and schema are checked before connecting; Ctrl-C stops between batches and says how many keys
 * were written (exit 130).
 */
export function registerWarm(program: Command): void {
  program
    .command('warm')
    .description('warm Redis from a manifest (values from the source) or a Parquet / Arrow file of feature rows; idempotent')
    .argument('<input>', 'a warming manifest (fcbench manifest), a Parquet file or an Arrow IPC file')
    .option('--scenario <file>', 'scenario (YAML): codec, TTL policy, key prefix, feature sets, source (required)')
    .option('--redis <url>', 'Redis to warm (default: cascade.redis.cluster, else cascade.redis.url; "auto" means REDIS_URL, which must be set: a private server would not outlive the job)')
    .option('--rate <n>', 'at most N keys per second (default: as fast as Redis takes them)')
    .option('--batch <n>', 'keys per pipeline (default 500)')
    .option('--feature-set <name>', "the rows' feature set (Parquet / Arrow; default: the only one), or one set of a joint manifest")
    .option('--entity-column <name>', 'Parquet / Arrow: the entity column', 'entity')
    .option('--resume', 'skip keys that already hold a value of the same snapshot version (one pipelined GET per batch)')
    .option('--allow-remote', 'allow a non-loopback Redis (as cascade.redis.allowRemote)')
    .option('--set <path=value>', 'override a scenario field, as for run (repeatable)', collectRepeatable)
    .option('--quiet', 'print only the closing line')
    .addHelpText(
      'after',
      `
Examples:
  fcbench manifest my.yaml --top 20000 --out warm.manifest && fcbench warm warm.manifest --scenario my.yaml --redis redis://127.0.0.1:6379
  fcbench warm features.parquet --scenario my.yaml --feature-set credit_features --rate 50000
  fcbench warm features.arrow --scenario my.yaml --entity-column customer_id --resume

Keys: <keyPrefix>:<featureSet>:<version>:<entity>, with the scenario's keyPrefix as given: a run reads
them with cascade.redis.shared: true. Values: the scenario's codec; SET PX with the TTL policy, jitter
drawn from (entity, version). The envelope's version and written-at come from the input (manifest
header; Parquet / Arrow metadata fcbench.snapshotVersion and fcbench.committedAt, else the feature
set's version and the file's mtime), never the clock: a rerun writes identical bytes.
With cascade.layout: feast, Feast's rows instead: a hash per entity of project <keyPrefix>, HSET of
the view's ValueProto fields and _ts (the commit time), PEXPIRE (README "Feast's Redis layout").
Parquet / Arrow columns: the entity column, then f0.. (float), i0.. (integer), s0.. (string), emb
(list of float), as the feature set has them; other columns are ignored.
Exit codes: 0 ok, 2 bad input (nothing written: bad header, missing or mistyped column, unreadable
file, remote Redis not allowed), 3 Redis or the source failed, 130 interrupted (the count is printed).`,
    )
    .action(async (inputFile: string, flags: WarmFlags) => {
      if (flags.scenario === undefined) throw badInput('--scenario <file>: required (the codec, TTLs and key prefix to warm with)');
      const rate = flags.rate === undefined ? undefined : parsePositive('--rate', flags.rate, Number.POSITIVE_INFINITY, false);
      const batch = flags.batch === undefined ? undefined : parsePositive('--batch', flags.batch, MAX_BATCH, true);
      const loaded = await loadScenario(flags.scenario, { sets: flags.set ?? [], env: process.env });
      const scenario = loaded.variants[0]!.scenario;
      const scenarioDir = dirname(resolve(flags.scenario));
      const url = flags.redis ?? scenario.cascade.redis.url;
      const cluster = scenario.cascade.redis.cluster;
      if (cluster !== undefined && flags.redis !== undefined) {
        throw badInput(`--redis: ${flags.scenario} sets cascade.redis.cluster, which names the Redis to warm; drop --redis`);
      }
      if (cluster === undefined && url === 'auto' && (process.env['REDIS_URL'] ?? '') === '') {
        throw badInput('--redis: fcbench warm needs a Redis that outlives it: give --redis URL (or cascade.redis.url, or set REDIS_URL)');
      }
      let built: BuiltSource | null = null;
      // The header and schema are checked here, before Redis is even connected.
      const input = await openWarmInput(
        { kind: 'file', file: inputFile },
        {
          scenario,
          scenarioDir,
          featureSet: flags.featureSet,
          entityColumn: flags.entityColumn,
          encodeWith: warmEncodingFor(scenario, batch),
          source: async () => {
            const workload = buildWorkload(scenario, scenarioDir);
            built = await buildSource(scenario, {
              clock: systemClock,
              rng: workload.root.fork('source'),
              payload: workload.payload,
              env: process.env,
              scenarioDir,
              runId: 'warm',
              laterSnapshots: batchSteps(scenario.events),
            });
            return built.source;
          },
        },
      );
      const controller = new AbortController();
      const onSignal = (signal: NodeJS.Signals) => {
        if (controller.signal.aborted) process.exit(130);
        process.stderr.write(`\ninterrupted (${signal}): finishing the batch in flight (send it again to stop at once)\n`);
        controller.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        const redis = await provisionRedis({
          url,
          cluster,
          env: process.env,
          allowRemote: flags.allowRemote === true || scenario.cascade.redis.allowRemote,
          connectTimeoutMs: scenario.cascade.redis.connectTimeout,
          commandTimeoutMs: Math.max(scenario.cascade.redis.commandTimeout, 5000),
        });
        const keyPrefix = scenario.cascade.redis.keyPrefix;
        try {
          if (!scenario.cascade.redis.shared && !flags.quiet) {
            process.stderr.write(`note: ${flags.scenario} has cascade.redis.shared: false, so fcbench run adds a per-run suffix and will not read these keys; set it to true to read them\n`);
          }
          const writer = warmWriterFor(scenario, keyPrefix, redis.client, input, { batch, resume: flags.resume === true });
          const interactive = !flags.quiet && process.stderr.isTTY === true;
          const due = createProgressThrottle(interactive ? TTY_REDRAW_MS : LOG_LINE_MS);
          const startMs = performance.now();
          const outcome = await writer.drive({
            ratePerSec: rate,
            signal: controller.signal,
            onProgress: (p) => {
              if (flags.quiet) return;
              const nowMs = performance.now();
              if (!due(nowMs, false)) return;
              const line = formatWarmProgress({ done: p.written + p.skipped + p.expired, total: p.total, elapsedMs: nowMs - startMs });
              process.stderr.write(interactive ? `\r${line}\u001b[K` : `${line}\n`);
            },
          });
          if (interactive) process.stderr.write('\r\u001b[K');
          const interrupted = controller.signal.aborted && !writer.done;
          process.stdout.write(`${formatWarmOutcome({ ...outcome, elapsedMs: performance.now() - startMs, url: redis.url, keyPrefix, interrupted, layout: scenario.cascade.layout })}\n`);
          if (interrupted) throw new FcbenchError('interrupted', `interrupted after ${outcome.written} keys`);
        } finally {
          await redis.close();
        }
      } finally {
        process.removeListener('SIGINT', onSignal);
        process.removeListener('SIGTERM', onSignal);
        await input.close();
        await (built as BuiltSource | null)?.close();
      }
    });
}

function parsePositive(flag: string, text: string, max: number, integer: boolean): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > max || (integer && !Number.isInteger(n))) {
    throw badInput(`${flag} ${text}: expected ${integer ? 'an integer' : 'a number'} > 0${Number.isFinite(max) ? ` and at most ${max}` : ''}`);
  }
  return n;
}
