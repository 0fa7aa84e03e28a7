import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { badInput } from '../errors.js';
import { loadScenario } from '../scenario/load.js';
import { writeManifest } from '../warm/manifest-write.js';
import { planManifest } from '../warm/plan-manifest.js';
import { rankingFor, type RankingFrom } from '../warm/ranking-source.js';
import { collectRepeatable } from './repeatable.js';

interface ManifestFlags {
  top?: string;
  from: string;
  keyColumn?: string;
  penalty?: boolean;
  featureSet?: string;
  out?: string;
  batchId?: string;
  committedAt?: string;
  set?: string[];
}

/**
 * `fcbench manifest <scenario.yaml> --top N`: a warming manifest (JSON Lines, README "Cache
 * warming") of the N hottest entities, ranked exactly from the scenario's key distribution or from
 * a request log, streamed to `--out` (atomically) or stdout. Every flag is checked before writing.
 */
export function registerManifest(program: Command): void {
  program
    .command('manifest')
    .description('write a warming manifest: the top-N entities to warm, ranked by the key distribution or a request log')
    .argument('<scenario>', 'scenario file (YAML): entities, key distribution, feature sets')
    .argument('[from-file]', 'the request log of --from trace, or the result of --from result')
    .option('--top <n>', 'how many entries (required; at most the number of entities, x feature sets for a joint manifest)')
    .option('--from <source>', 'model (the scenario\'s key distribution, exact), trace <file> (a request log) or result <r.json>', 'model')
    .option('--key-column <name>', 'with --from trace: the CSV column / JSON field holding the key (default: the first of key, entity, entity_id, id)')
    .option('--penalty', 'rank by miss penalty: mean source latency x expected misses (matters across feature sets of different TTLs and weights)')
    .option('--feature-set <name>', 'one feature set (default: the only one, or every set ranked together, featureSet "*")')
    .option('--out <file>', 'write here (atomically) instead of stdout')
    .option('--batch-id <id>', 'the header\'s batchId (default: <scenario name>-<snapshot version>)')
    .option('--committed-at <iso>', 'the header\'s committedAt, the written-at of every warmed value (default: now)')
    .option('--set <path=value>', 'override a scenario field, as for run (repeatable)', collectRepeatable)
    .addHelpText(
      'after',
      `
Examples:
  fcbench manifest scenarios/quickstart.yaml --top 1000 --out warm.manifest
  fcbench manifest my.yaml --top 20000 --from trace requests.log.gz --out warm.manifest
  fcbench manifest my.yaml --top 5000 --from trace requests.csv --key-column customer_id
  fcbench manifest my.yaml --top 10000 --penalty

Format (JSON Lines): a header {"kind":"fcbench-manifest","version":1,"featureSet","snapshotVersion",
"batchId","committedAt","ranking"}, then {"entity","rank","expectedShare"} per line, hottest first.
--from model ranks exactly: rank r of a scrambled Zipf is the entity the scramble maps r to, with
share (r+1)^-s / H(n,s). --from trace counts a request log: one key per line, CSV with a header row,
or JSON Lines; gzip is detected. Feed the manifest to fcbench warm or to warm: { manifest } in a scenario.
Exit codes: 0 ok, 2 bad input (--top above the entity count, unreadable file; nothing written).`,
    )
    .action(async (file: string, fromFile: string | undefined, flags: ManifestFlags) => {
      if (flags.top === undefined) throw badInput('--top <n>: required (how many entries to write)');
      const top = Number(flags.top);
      if (!Number.isInteger(top) || top < 1) throw badInput(`--top ${flags.top}: expected an integer >= 1`);
      const from = parseFrom(flags.from, fromFile, flags.keyColumn);
      if (flags.committedAt !== undefined && !Number.isFinite(Date.parse(flags.committedAt))) {
        throw badInput(`--committed-at ${flags.committedAt}: expected an ISO 8601 time like 2026-01-31T04:00:00Z`);
      }
      const loaded = await loadScenario(file, { sets: flags.set ?? [], env: process.env });
      const scenario = loaded.variants[0]!.scenario;
      const { ranking, source } = await rankingFor(scenario, dirname(resolve(file)), from);
      const featureSet = flags.featureSet ?? (scenario.featureSets.length === 1 ? scenario.featureSets[0]!.name : null);
      const version = scenario.featureSets.find((s) => s.name === featureSet)?.version ?? 'all';
      const plan = planManifest(scenario, {
        ranking,
        source,
        top,
        featureSet,
        penalty: flags.penalty === true,
        batchId: flags.batchId ?? `${scenario.name}-${version}`,
        committedAt: new Date(flags.committedAt ?? Date.now()).toISOString(),
      });
      const count = await writeManifest(flags.out ?? null, plan.header, plan.entries());
      if (flags.out !== undefined) process.stderr.write(`manifest: ${flags.out} (${count.toLocaleString('en-US')} entries of ${plan.header.featureSet}, ranked by ${plan.header.ranking})\n`);
    });
}

/** `--from model`, `--from trace <file>` (the file is the command's second argument), `--from result <file>`. */
function parseFrom(from: string, file: string | undefined, keyColumn: string | undefined): RankingFrom {
  const value = from;
  if (value === 'model') {
    if (file !== undefined) throw badInput(`--from model takes no file (got ${file})`);
    return { kind: 'model' };
  }
  if (value === 'trace' || value === 'result') {
    if (file === undefined) throw badInput(`--from ${value} <file>: the file is missing`);
    return value === 'trace' ? { kind: 'trace', file, keyColumn } : { kind: 'result', file };
  }
  throw badInput(`--from ${from}: expected model, trace <file> or result <file>`);
}
