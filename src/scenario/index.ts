/** The scenario language: schema and types, loading with located errors, units, thresholds. */
export { loadScenario, type LoadedScenario, type LoadOptions, type ScenarioVariant } from './load.js';
export { scenarioJsonSchema } from './json-schema.js';
export { parseScenario } from './validate.js';
export { parseThresholdExpression, type ThresholdExpression, type ThresholdOp } from './threshold-expression.js';
export { parseDurationMs, parseSizeBytes, formatDurationMs } from './units.js';
export { canonicalJson, hashOf } from './canonical-json.js';
export { scenarioSchema } from './schema.js';
export type {
  Scenario,
  ScenarioInput,
  KeysConfig,
  DistributionConfig,
  FeatureSetConfig,
  PayloadConfig,
  TtlConfig,
  RequestConfig,
  CodecConfig,
  CascadeConfig,
  LocalTierConfig,
  RedisTierConfig,
  SourceConfig,
  SimulatedSourceConfig,
  PostgresSourceConfig,
  LatencyConfig,
  StampedeConfig,
  FailurePolicy,
  LoadConfig,
  EventConfig,
  CostConfig,
  WarmupConfig,
} from './schema.js';
