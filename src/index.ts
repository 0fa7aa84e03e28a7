// The public programmatic API: load a scenario, run it, render reports, or embed the cascade.
export { loadScenario, type LoadedScenario, type LoadOptions, type ScenarioVariant } from './scenario/load.js';
export { scenarioJsonSchema } from './scenario/json-schema.js';
export type { Scenario } from './scenario/schema.js';
export { runScenario, type RunScenarioOptions, type RunScenarioOutcome } from './run-scenario.js';
export { runVariant, type VariantRunOptions } from './load/run-variant.js';
export { simulateVariant, type SimulateOptions } from './simulate/simulate-variant.js';
export { defaultLatencies, latenciesFromResult, type SimLatencies } from './simulate/latency-models.js';
export * from './cascade/index.js';
export { createCodec, describeCodec } from './codec/index.js';
export type { Codec, CodecOptions, ServedValues, TensorField, TensorValues } from './codec/types.js';
export { provisionRedis, type ProvisionedRedis } from './redis/provision.js';
export { connectRedis } from './redis/connect.js';
export { deleteByPrefix } from './redis/cleanup.js';
export { renderReport, writeReport } from './report/index.js';
export { readResult } from './results/read-result.js';
export { writeResult } from './results/write-result.js';
export type { ResultDocument, LatencySummary } from './results/result-types.js';
export type { ImplementationResult } from './results/result-types.js';
export type {
  CascadeFactory,
  CascadePlugin,
  PluginCallStatus,
  PluginContext,
  PluginFeatureSet,
  PluginOptions,
  PluginRedisEndpoint,
  PluginSource,
} from './cascade/plugins/plugin-types.js';
export { evaluateThresholds } from './compare/thresholds.js';
export { compareResults, DEFAULT_HISTORY_WINDOW, type CompareOptions } from './compare/compare-results.js';
export type { Comparison, MetricComparison, VariantComparison, Verdict, Method } from './compare/comparison-types.js';
export { DEFAULT_METRICS } from './compare/metric-catalog.js';
export { parseTolerance, type Tolerance } from './compare/tolerance.js';
export { readResults } from './results/find-results.js';
export { computeCost } from './cost/cost-model.js';
export { FcbenchError, EXIT_CODES } from './errors.js';
// The serving contract's header, for a Node service that wants to speak it (docs/service-contract.md).
export { formatServerTiming, parseServerTiming, type ParsedServerTiming, type ServerTiming } from './serve/server-timing.js';
// Cache warming (README "Cache warming"): manifests, rankings and the warm job itself.
export { modelRanking, type Ranking } from './warm/model-ranking.js';
export { planManifest, type ManifestPlan, type ManifestPlanOptions } from './warm/plan-manifest.js';
export { writeManifest } from './warm/manifest-write.js';
export { openManifest } from './warm/manifest-read.js';
export type { ManifestEntry, ManifestHeader } from './warm/manifest-format.js';
export { openWarmInput, type WarmSource } from './warm/open-input.js';
export { createWarmWriter, type WarmWriter, type WarmProgress } from './warm/warm-writer.js';
export { warmWriterFor } from './load/warm-writer-for.js';
export type { WarmingResult } from './results/result-types.js';
