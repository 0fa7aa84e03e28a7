import type { Command } from 'commander';
import { FcbenchError } from '../errors.js';
import { addPrintFlags, addScenarioOutputFlags, executeScenarioCommand, type ScenarioOutputFlags } from './scenario-command.js';

interface RunFlags extends ScenarioOutputFlags {
  redis?: string;
  trials: string;
  interleave?: boolean;
  keepKeys?: boolean;
  allowRemote?: boolean;
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
    .option('--allow-remote', 'load.mode http: allow a load.target that is not a loopback address (also load.allowRemote)');
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
      await executeScenarioCommand(file, flags, {
        run: { redisUrl: flags.redis, keepKeys: flags.keepKeys, allowRemote: flags.allowRemote === true, trials, interleave: flags.interleave === true },
        verb: 'running',
        interruptNote: 'finishing in-flight requests, writing partial results, deleting keys',
        abortNote: "the run's Redis keys may remain",
      });

    });
}
