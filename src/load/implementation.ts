import { createCascade, type Cascade, type CascadeDeps } from '../cascade/cascade.js';
import type { Clock } from '../cascade/clock.js';
import { resolveCascadeOptions, type CascadeOptions, type ResolvedCascadeOptions } from '../cascade/options.js';
import { loadFactory, locatedAt, type Located } from '../cascade/plugins/load-plugin.js';
import { observedSource } from '../cascade/plugins/observed-source.js';
import { newReportTally, pluginCascade, type ReportTally } from '../cascade/plugins/plugin-cascade.js';
import type { CascadePlugin, PluginOptions, PluginRedisEndpoint } from '../cascade/plugins/plugin-types.js';
import type { Source } from '../cascade/source.js';
import { notReportedPaths, nullPaths } from '../results/not-reported.js';
import type { ResultDocument } from '../results/result-types.js';
import type { ScenarioVariant } from '../scenario/load.js';
import type { Rng } from '../workload/types.js';

/** The Redis client a replica is given (whatever `ProvisionedRedis.connect` makes). */
type ReplicaClient = NonNullable<CascadeDeps['redis']>;

/**
 * `cascade.implementation` for one variant's run: how each replica's cascade is built, and what
 * the result then says about whose cascade served and which figures it could not report.
 */
export interface RunImplementation {
  readonly name: string;
  /** fcbench's own cascade: every figure is reported (and miss-ratio curves can be recorded). */
  readonly own: boolean;
  cascadeFor(replicaId: number, client: ReplicaClient): Promise<Cascade>;
  /** Writes `result.implementation` and nulls the figures the implementation could not give. */
  describe(result: ResultDocument): void;
}

export interface ImplementationDeps {
  cascadeOptions: CascadeOptions;
  source: Source;
  clock: Clock;
  /** The replica's own seeded stream. */
  rngFor: (replicaId: number) => Rng;
  onRedisWrite?: ((key: string) => void) | undefined;
  /** Folder of the scenario file: module paths are relative to it. */
  scenarioDir: string;
  /** `--shard i/N`: merging shards needs every figure, which a plugin may not give. */
  sharded: boolean;
  redisEndpoint: PluginRedisEndpoint;
}

export async function prepareImplementation(variant: ScenarioVariant, deps: ImplementationDeps): Promise<RunImplementation> {
  const name = variant.scenario.cascade.implementation;
  if (name === 'fcbench') return ownImplementation(deps);
  const located = locatedAt(variant.implementationAt ?? 'scenario');
  if (deps.sharded) throw located(`${name} cannot run as a shard (--shard) yet: fcbench merge needs figures a plugin may not report; run it unsharded`);
  const factory = await loadFactory(name, deps.scenarioDir, located);
  const resolved = resolveCascadeOptions(deps.cascadeOptions);
  const options = pluginOptionsOf(resolved);
  const hardTtl = new Map(resolved.featureSets.map((set) => [set.name, set.ttl.hardMs]));
  const source = observedSource(deps.source, deps.clock, (set) => hardTtl.get(set) ?? 0);
  const tally = newReportTally();
  let first: CascadePlugin | null = null;
  return {
    name: factory.name,
    own: false,
    async cascadeFor(replicaId, client) {
      const plugin = await factory.create({ options, redis: client, redisEndpoint: deps.redisEndpoint, source, replicaId });
      if (first === null) {
        first = plugin;
        checkCapabilities(plugin, variant, located, factory.name);
      }
      return pluginCascade(plugin, resolved, tally);
    },
    describe(result) {
      const reported = { tier: tally.tier > 0, stale: tally.stale > 0 };
      const notReported = notReportedPaths(reported);
      nullPaths(result, notReported);
      // With no tier per get, "served by none" is what failed, not every get the library did not describe.
      if (!reported.tier) result.tiers.servedBy.none = result.requests.total === 0 ? 0 : result.requests.errors / result.requests.total;
      result.implementation = {
        name: factory.name,
        ...(first?.library === undefined ? {} : { library: first.library }),
        reported,
        notReported,
        unmappedOptions: [...(first?.unmappedOptions ?? [])],
      };
    },
  };
}

function ownImplementation(deps: ImplementationDeps): RunImplementation {
  return {
    name: 'fcbench',
    own: true,
    cascadeFor: async (replicaId, client) =>
      createCascade(deps.cascadeOptions, { redis: client, source: deps.source, clock: deps.clock, rng: deps.rngFor(replicaId), replicaId, onRedisWrite: deps.onRedisWrite }),
    describe(result) {
      result.implementation = { name: 'fcbench', reported: { tier: true, stale: true }, notReported: [], unmappedOptions: [] };
    },
  };
}

/** Events the scenario has that need an optional method the plugin lacks: exit 2 before any traffic. */
function checkCapabilities(plugin: CascadePlugin, variant: ScenarioVariant, located: Located, name: string): void {
  variant.scenario.events.forEach((event, index) => {
    const needs = event.kind === 'expire-hot' ? 'delete' : event.kind === 'flush-local' ? 'clearLocal' : null;
    if (needs !== null && typeof plugin[needs] !== 'function') {
      throw located(`${name} has no ${needs}() method, which the ${event.kind} event (events[${index}]) needs`);
    }
  });
}

function pluginOptionsOf(resolved: ResolvedCascadeOptions): PluginOptions {
  const { stampede } = resolved;
  return {
    featureSets: resolved.featureSets.map((set) => ({
      name: set.name,
      version: set.version,
      ttl: { hardMs: set.ttl.hardMs, softMs: set.ttl.softMs > 0 ? set.ttl.softMs : null, jitter: set.ttl.jitter, earlyRefreshBeta: set.ttl.xfetchBeta > 0 ? set.ttl.xfetchBeta : null },
    })),
    local: { enabled: resolved.local.enabled, maxEntries: resolved.local.maxEntries, maxBytes: resolved.local.maxBytes > 0 ? resolved.local.maxBytes : null, ttlMs: resolved.local.ttlMs },
    keyPrefix: resolved.keyPrefix,
    codec: { format: resolved.codec.format, compression: resolved.codec.compression ?? 'none', compressAboveBytes: resolved.codec.compressAboveBytes ?? 0, level: resolved.codec.level ?? 1 },
    stampede: stampede.strategy === 'redis-lock' ? { strategy: stampede.strategy, lockTtlMs: stampede.lockTtlMs, waitMs: stampede.waitMs } : { strategy: stampede.strategy },
    failurePolicy: resolved.failurePolicy,
  };
}
