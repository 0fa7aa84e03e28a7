import type { Command } from 'commander';
import { FcbenchError } from '../errors.js';
import type { ShardRun } from '../load/run-variant.js';
import { parseShard } from '../load/shard.js';
import { parseDurationMs } from '../scenario/units.js';
import { addPrintFlags, addScenarioOutputFlags, executeScenarioCommand, type ScenarioOutputFlags } from './scenario-command.js';

interface RunFlags extends ScenarioOutputFlags {
  redis?: string;
  trials: string;
  interleave?: boolean;
  keepKeys?: boolean;
  allowRemote?: boolean;
  shard?: string;
  shardGroup?: string;
  shardTimeout: string;
}

/** A group names one run's shards in Redis keys: short, and safe in a key and a file name. */
const SHARD_GROUP_RE = /^[A-Za-z0-9._-]{1,64}$/;

/** `--shard`, `--shard-group` and `--shard-timeout` as one shard run, checked before anything is sent. */
function shardRunOf(flags: RunFlags): ShardRun | undefined {
  if (flags.shard === undefined) {
    if (flags.shardGroup !== undefined) throw new FcbenchError('bad-input', '--shard-group: only with --shard i/N');
    return undefined;
  }
  const { index, count } = parseShard(flags.shard);
  const group = flags.shardGroup ?? '';
  if (count > 1 && group === '') {
    throw new FcbenchError('bad-input', `--shard ${flags.shard}: give every shard of the run the same fresh --shard-group (e.g. --shard-group nightly-42, or a Kubernetes Job's name)`);
  }
  if (group !== '' && !SHARD_GROUP_RE.test(group)) throw new FcbenchError('bad-input', `--shard-group ${group}: use 1-64 of A-Z a-z 0-9 . _ -`);
  let timeoutMs: number;
  try {
    timeoutMs = parseDurationMs(flags.shardTimeout);
  } catch (error) {
    throw new FcbenchError('bad-input', `--shard-timeout ${flags.shardTimeout}: ${(error as Error).message}`);
  }
  if (!(timeoutMs > 0)) throw new FcbenchError('bad-input', `--shard-timeout ${flags.shardTimeout}: must be > 0`);
  return { index, count, group, timeoutMs };
}

/**
 * `fcbench run <scenario.yaml>`: runs every variant against a real Redis, writes one result JSON
 * per variant and an HTML report, prints a summary; exit 1 when a threshold fails, 130 when
 * interrupted (partial results written), 2 bad input, 3 environment.
 */
export function registerRun(program: Command): void {
  const command = program
    .command('run')
    .description('run a scenario against a real Redis; write results (JSON) and an HTML report')
    .argument('<scenario>', 'scenario file (YAML)');
  addScenarioOutputFlags(command)
    .option('--redis <url>', 'Redis to use (overrides cascade.redis.url; loopback only unless the scenario allows remote)')
    .option('--trials <n>', 'run each variant N times; results carry trial {group, index, of} for fcbench compare', '1')
    .option('--interleave', 'with --trials, run the variants in rotation (A B A B) so machine drift spreads evenly')
    .option('--keep-keys', 'leave the run\'s keys in Redis (default: deleted with SCAN + UNLINK on the run\'s prefix)')
    .option('--allow-remote', 'load.mode http: allow a load.target that is not a loopback address (also load.allowRemote)')
    .option('--shard <i/N>', 'run shard i (0-based) of N: its part of the load, its own seeded streams, the hot keys of all (merge the results with fcbench merge)')
    .option('--shard-group <name>', 'with --shard: the same fresh name for every shard of one run (their shared key prefix and barrier)')
    .option('--shard-timeout <duration>', 'with --shard: how long the start and end barriers wait for the other shards', '60s');
  addPrintFlags(command)
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
  fcbench run s.yaml --redis redis://127.0.0.1:6379 --shard 0/2 --shard-group g1 &   # and 1/2 elsewhere

Redis: --redis, else cascade.redis.url; "auto" = REDIS_URL if set, else a private redis-server on a
free loopback port (stopped afterwards). Keys live under <keyPrefix>:<run id> and are deleted after.
Redis Cluster: cascade.redis.cluster: [redis://host:port, ...] (seeds; url and --redis are then not
used). The entity becomes a hash tag in every key, cleanup SCANs every master, and the result lists
each node (redis.nodes). Try it locally: npm run local-cluster -- run <scenario.yaml>.
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
A deploy event starts a new generation of replica processes and stops the old one once idle.
Sharded load (--shard i/N, README "Running past one machine"): every shard needs the same Redis
(--redis or REDIS_URL) and --shard-group; shards start together at a barrier on that Redis (exit 3
when the others do not come within --shard-timeout), expire-hot, batch and redis-pause events and
warm: run in shard 0 only, and shard 0 deletes the keys once all are done. A shard's thresholds do
not set its exit code: they are judged on the merged result (fcbench merge).
Exit codes: 0 ok, 1 threshold failed, 2 bad input, 3 environment (Redis at start, a write that
failed at the end), 130 interrupted.`,
    )
    .action(async (file: string, flags: RunFlags) => {
      const trials = Number(flags.trials);
      if (!Number.isInteger(trials) || trials < 1) throw new FcbenchError('bad-input', `--trials ${flags.trials}: expected an integer >= 1`);
      const shard = shardRunOf(flags);
      await executeScenarioCommand(file, flags, {
        run: { redisUrl: flags.redis, keepKeys: flags.keepKeys, allowRemote: flags.allowRemote === true, trials, interleave: flags.interleave === true, shard },
        verb: 'running',
        interruptNote: 'finishing in-flight requests, writing partial results, deleting keys',
        abortNote: "the run's Redis keys may remain",
      });

    });
}
