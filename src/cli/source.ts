import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { badInput } from '../errors.js';
import { planSourceLoad, runSourceLoad, type SourceLoadPlan } from '../load/source-load.js';
import { DEFAULT_CHUNK_ROWS } from '../postgres/copy-rows.js';
import { loadScenario } from '../scenario/load.js';
import { IDENTIFIER_RE } from '../scenario/schema-workload.js';
import { createProgressThrottle, formatLoadOutcome, formatLoadProgress, LOG_LINE_MS, TTY_REDRAW_MS } from './load-progress.js';
import { collectRepeatable } from './repeatable.js';

interface LoadFlags {
  version?: string;
  url?: string;
  batch?: string;
  set?: string[];
  allowRemote?: boolean;
  quiet?: boolean;
}

/** Largest `--batch`: a batch is held in memory as one buffer (or one statement). */
const MAX_BATCH_ROWS = 100_000;

/**
 * `fcbench source load <scenario.yaml>`: fills the PostgreSQL feature store with every entity's
 * deterministic payload for a snapshot version, one transaction per version, idempotently.
 * Flags and the scenario are checked before connecting, so bad input writes nothing (exit 2);
 * an unreachable server is exit 3 with one line naming the URL, password redacted.
 */
export function registerSource(program: Command): void {
  const source = program.command('source').description('the PostgreSQL feature store behind cascade.source.kind: postgres');
  source
    .command('load')
    .description('create the feature table if needed and load every entity of a snapshot version (idempotent)')
    .argument('<scenario>', 'scenario file (YAML): its entities, feature sets, payload shapes and cascade.source')
    .option('--version <v>', "load this snapshot version of every feature set (default: each set's featureSets[].version)")
    .option('--url <url>', 'PostgreSQL to fill (default: cascade.source.url; "auto" = FCBENCH_PG_URL, else postgres://postgres@127.0.0.1:5432/fcbench)')
    .option('--batch <n>', `rows per COPY chunk, or per INSERT when adding rows to a version that has some (default ${DEFAULT_CHUNK_ROWS})`)
    .option('--set <path=value>', 'override a scenario field, as for run (repeatable)', collectRepeatable)
    .option('--allow-remote', 'allow a non-loopback PostgreSQL')
    .option('--quiet', 'print only the closing line of each version')
    .addHelpText(
      'after',
      `
Examples:
  fcbench source load scenarios/postgres-source.yaml
  fcbench source load scenarios/postgres-source.yaml --version v8 --batch 5000
  FCBENCH_PG_URL=postgres://postgres@127.0.0.1:5432/fcbench fcbench source load my.yaml

The table (default fcbench_features) and its database are created when missing. A version already
complete is skipped: rerunning changes nothing. Exit codes: 0 ok, 2 bad input (nothing written),
3 PostgreSQL unreachable or failing.`,
    )
    .action(async (file: string, flags: LoadFlags) => {
      const batchSize = flags.batch === undefined ? undefined : parseBatch(flags.batch);
      if (flags.version !== undefined && !IDENTIFIER_RE.test(flags.version)) {
        throw badInput(`--version ${JSON.stringify(flags.version)}: a version may contain only letters, digits, _ . and -`);
      }
      const loaded = await loadScenario(file, { sets: flags.set ?? [], env: process.env });
      const scenarioDir = dirname(resolve(file));
      const plans = distinctPlans(
        loaded.variants.map((v) =>
          planSourceLoad(v.scenario, scenarioDir, { version: flags.version, url: flags.url, allowRemote: flags.allowRemote, env: process.env }),
        ),
      );
      const interactive = !flags.quiet && process.stderr.isTTY === true;
      for (const plan of plans) {
        if (plan.note !== null && !flags.quiet) process.stderr.write(`note: ${plan.note}\n`);
        let startedMs = performance.now();
        let due = createProgressThrottle(interactive ? TTY_REDRAW_MS : LOG_LINE_MS);
        await runSourceLoad(plan, {
          env: process.env,
          batchSize,
          onConnected: (info) => {
            if (!flags.quiet && info.createdDatabase) process.stderr.write(`created the database at ${info.url}\n`);
          },
          onProgress: (p) => {
            if (flags.quiet) return;
            if (p.rowsDone === 0 || (p.rowsDone === p.rowsTotal && !interactive)) return;
            if (!due(performance.now(), p.rowsDone >= p.rowsTotal)) return;
            const line = formatLoadProgress({ label: `${p.featureSet} ${p.version}`, rowsDone: p.rowsDone, rowsTotal: p.rowsTotal, elapsedMs: performance.now() - startedMs });
            process.stderr.write(interactive ? `\r${line}\u001b[K` : `${line}\n`);
          },
          onOutcome: (o, where) => {
            if (interactive) process.stderr.write('\r\u001b[K');
            const label = `${o.featureSet} ${o.version}`;
            process.stdout.write(`${formatLoadOutcome({ ...o, label, elapsedMs: performance.now() - startedMs, table: where.table, url: where.url })}\n`);
            startedMs = performance.now();
            due = createProgressThrottle(interactive ? TTY_REDRAW_MS : LOG_LINE_MS);
          },
        });
      }
    });
}

function parseBatch(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > MAX_BATCH_ROWS) throw badInput(`--batch ${text}: expected an integer 1..${MAX_BATCH_ROWS}`);
  return n;
}

/** A matrix varies codecs or TTLs far more often than the store: load each (target, set, version) once. */
function distinctPlans(plans: readonly SourceLoadPlan[]): SourceLoadPlan[] {
  const seen = new Set<string>();
  const out: SourceLoadPlan[] = [];
  for (const plan of plans) {
    const snapshots = plan.snapshots.filter((s) => {
      const key = JSON.stringify([plan.target.url, plan.target.table, s.featureSet, s.version, s.fingerprint, s.entityCount]);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    if (snapshots.length > 0) out.push({ ...plan, snapshots });
  }
  return out;
}
