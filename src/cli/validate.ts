import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { batchSteps } from '../batch/batch-steps.js';
import { systemClock } from '../cascade/clock.js';
import { buildSource } from '../load/build-source.js';
import { buildWorkload } from '../load/build-workload.js';
import { checkPostgresUrl, resolvePostgresUrl } from '../postgres/connect.js';
import { provisionRedis } from '../redis/provision.js';
import { loadScenario, type ScenarioVariant } from '../scenario/load.js';
import { collectRepeatable } from './repeatable.js';

interface ValidateFlags {
  set?: string[];
  connect?: boolean;
}

/** Distinct Redis settings across variants (a matrix may vary them), so each is checked once. */
function redisTargets(variants: readonly ScenarioVariant[]) {
  const targets = new Map<string, ScenarioVariant['scenario']['cascade']['redis']>();
  for (const { scenario } of variants) {
    const redis = scenario.cascade.redis;
    targets.set(`${redis.url}\u0000${String(redis.allowRemote)}`, redis);
  }
  return [...targets.values()];
}

/**
 * `fcbench validate <scenario.yaml> [--set path=value]... [--connect]`: loads the scenario exactly
 * as `run` would (interpolation, overrides, matrix) and reports every problem; `--connect` also
 * proves the Redis it would use is reachable (exit 3 if not), and a PostgreSQL source reachable
 * and loaded with what the run will read (the same checks as `run`, nothing written).
 */
export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check a scenario file and report every problem as file:line:col: field: message (runs nothing)')
    .argument('<scenario>', 'scenario file (YAML)')
    .option('--set <path=value>', 'override a field before validating; the value is YAML, null removes the field (repeatable)', collectRepeatable)
    .option('--connect', 'also connect to the Redis the scenario would use (REDIS_URL, its url, or a private redis-server) and to a postgres source')
    .addHelpText(
      'after',
      `
Examples:
  fcbench validate scenarios/quickstart.yaml
  fcbench validate scenarios/codec-shootout.yaml --set codec.level=3 --set 'matrix.codec.format=[msgpack]'
  REDIS_URL=redis://127.0.0.1:6379 fcbench validate scenarios/stampede.yaml --connect

Exit codes: 0 valid, 2 invalid (every problem listed), 3 Redis or PostgreSQL unreachable, or the
PostgreSQL table not loaded for this scenario (--connect).`,
    )
    .action(async (file: string, flags: ValidateFlags) => {
      const loaded = await loadScenario(file, { sets: flags.set ?? [], env: process.env });
      // Where load would go is part of the scenario: a remote store without allowRemote is invalid.
      for (const { scenario } of loaded.variants) {
        const source = scenario.cascade.source;
        if (source.kind === 'postgres') checkPostgresUrl(resolvePostgresUrl(source.url, process.env), source);
      }
      const count = loaded.variants.length;
      process.stdout.write(`ok: ${file} (${count} variant${count === 1 ? '' : 's'})\n`);
      if (count > 1) {
        const width = Math.max(...loaded.variants.map((v) => v.label.length));
        for (const variant of loaded.variants) process.stdout.write(`  ${variant.label.padEnd(width)}  ${variant.hash.slice(0, 12)}\n`);
      }
      if (!flags.connect) return;
      for (const redis of redisTargets(loaded.variants)) {
        const provisioned = await provisionRedis({
          url: redis.url,
          env: process.env,
          allowRemote: redis.allowRemote,
          connectTimeoutMs: redis.connectTimeout,
          commandTimeoutMs: redis.commandTimeout,
        });
        try {
          process.stdout.write(`redis: ok ${provisioned.url} (${provisioned.provisioned}, redis ${provisioned.serverVersion})\n`);
        } finally {
          await provisioned.close();
        }
      }
      const scenarioDir = dirname(resolve(file));
      for (const { scenario } of loaded.variants) {
        if (scenario.cascade.source.kind !== 'postgres') continue;
        const workload = buildWorkload(scenario, scenarioDir);
        const built = await buildSource(scenario, {
          clock: systemClock,
          rng: workload.root.fork('source'),
          payload: workload.payload,
          env: process.env,
          scenarioDir,
          runId: 'validate',
          laterSnapshots: batchSteps(scenario.events),
        });
        await built.close();
        if (built.kind === 'postgres') process.stdout.write(`postgres: ok ${built.url} (PostgreSQL ${built.serverVersion.split(' ')[0]}, ${built.table} loaded)\n`);
      }
    });
}
