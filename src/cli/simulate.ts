import type { Command } from 'commander';
import { readResult } from '../results/read-result.js';
import { latenciesFromResult, type SimLatencies } from '../simulate/latency-models.js';
import { simulateVariant } from '../simulate/simulate-variant.js';
import { addPrintFlags, addScenarioOutputFlags, executeScenarioCommand, type ScenarioOutputFlags } from './scenario-command.js';
import { readToolVersion } from './tool-version.js';
import { collectRepeatable } from './repeatable.js';

interface SimulateFlags extends ScenarioOutputFlags {
  sweep?: string[];
  latencyFrom?: string;
}

/**
 * `fcbench simulate <scenario.yaml>`: the scenario's workload and cascade on virtual time, no
 * Redis; results and report as `run` writes them (`load.mode: simulated`), `--sweep` for a matrix
 * in seconds.
 */
export function registerSimulate(program: Command): void {
  const command = program
    .command('simulate')
    .description('simulate a scenario on virtual time (no Redis) in seconds; write results (JSON) and an HTML report')
    .argument('<scenario>', 'scenario file (YAML)');
  addScenarioOutputFlags(command)
    .option('--sweep <path=v1,v2,...>', 'vary one field over these values (YAML each); repeat for a cartesian product of variants', collectRepeatable)
    .option('--latency-from <result.json>', "take Redis GET/SET, decode and encode latencies from an earlier run's HDR histograms");
  addPrintFlags(command)
    .addHelpText(
      'after',
      `
Examples:
  fcbench simulate scenarios/capacity-planning.yaml
  fcbench simulate scenarios/capacity-planning.yaml --sweep cascade.local.maxEntries=1000,5000,20000 \\
      --sweep featureSets.0.ttl.hard=1m,5m,15m
  fcbench simulate scenarios/quickstart.yaml --latency-from results/quickstart-<stamp>.json --json
  fcbench compare results/quickstart-<real>.json results/quickstart-<simulated>.json

What is simulated: the same workload as fcbench run (same seed: same keys, feature sets, routing,
arrivals, payload sizes and event times), the same cascade rules on a virtual clock: an LRU per
replica and feature set, TTLs with jitter and soft expiry, XFetch, the stampede strategy
(single-flight, swr, redis-lock with polling), the failure policy, and the events expire-hot,
flush-local, source-slowdown, source-errors and redis-pause. batch-publish and batch-rollback are
not modelled: they are skipped and named in the result (simulation.warnings).
Latencies: the source from the scenario's model and concurrency limit; Redis round trips, decode
and encode from defaults (p50 80 us, p99 140 us; 10 us; 5 us) or from --latency-from. The
replicas share one CPU (each request costs a local hit's time, plus decode and encode), so a
closed loop is CPU-bound as in a real run. redis.bytesPerKey is an estimate.
The result has load.mode "simulated" and simulation {requestsPerSecond, virtualDurationMs}; report
and compare read it like any other. --sweep adds matrix axes (with the scenario's own matrix, a
product of all); a path not in the schema, or a value that fails validation, exits 2.
Exit codes: 0 ok, 1 threshold failed, 2 bad input, 3 a write failed at the end, 130 interrupted.`,
    )
    .action(async (file: string, flags: SimulateFlags) => {
      let latencies: SimLatencies | undefined;
      let scenarioDir = '.';
      await executeScenarioCommand(file, flags, {
        sweeps: flags.sweep ?? [],
        prepare: async (loaded) => {
          scenarioDir = loaded.dir;
          if (flags.latencyFrom !== undefined) latencies = latenciesFromResult(await readResult(flags.latencyFrom), flags.latencyFrom);
        },
        run: {
          variantRunner: async (variant) => {
            // A breath between variants: lets Ctrl-C be seen and written results flush.
            await new Promise((resolve) => setImmediate(resolve));
            return simulateVariant(variant, { scenarioDir, toolVersion: readToolVersion(), latencies });
          },
        },
        verb: 'simulating',
        interruptNote: 'stopping after this variant, writing the results so far',
      });
    });
}
