import * as z from 'zod';
import { checkBatchEvents } from './batch-rules.js';
import { checkClusterTarget } from './cluster-rules.js';
import { checkDeployEvents } from './deploy-rules.js';
import { describeValue } from './describe-value.js';
import { printable } from './problems.js';
import { cascadeSchema, codecSchema, costSchema, localTierSchema, redisTierSchema, sourceSchema, stampedeSchema } from './schema-cascade.js';
import { checkSwrSoftTtl } from './stampede-rules.js';
import { checkTensorLayouts } from './tensor-rules.js';
import { checkSharedLayout, warmSchema } from './schema-warm.js';
import { durationMs, EVEN_WITH_ERRORS, withJsonSchema } from './schema-units.js';
import {
  distributionSchema,
  eventSchema,
  featureSetSchema,
  featureSetsSchema,
  keysSchema,
  loadSchema,
  payloadSchema,
  requestSchema,
  ttlSchema,
} from './schema-workload.js';
import { parseThresholdExpression, THRESHOLD_HELP, THRESHOLD_PATTERN } from './threshold-expression.js';
import { checkImplementation } from './implementation-rules.js';

/**
 * The scenario language: one zod schema gives the types (`z.infer`), validation, defaults and the
 * JSON Schema. Every object is strict (unknown keys are errors) and variants are discriminated
 * unions. After parsing, durations are milliseconds (float) and sizes bytes, under the YAML names.
 */

/** Dotted path into a result (`latency.endToEnd.p99`) or a scenario (`codec.format`, `featureSets.0.ttl`). */
const DOTTED_PATH_RE = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+|\[[0-9]+\])*$/;

const dottedPath = (what: string) =>
  z.string().regex(DOTTED_PATH_RE, { error: (iss) => `expected a dotted ${what} path like a.b.c (got ${describeValue(iss.input)})` });

const thresholdExpression = withJsonSchema(
  z.string({ error: (iss) => `expected ${THRESHOLD_HELP} (got ${describeValue(iss.input)})` }).superRefine((expr, ctx) => {
    try {
      parseThresholdExpression(expr);
    } catch (error) {
      ctx.addIssue({ code: 'custom', input: expr, message: (error as Error).message });
    }
  }),
  { type: 'string', pattern: THRESHOLD_PATTERN, description: `a threshold: ${THRESHOLD_HELP}` },
);

export const thresholdsSchema = z
  .record(dottedPath('result'), thresholdExpression)
  .default({})
  .describe('result path -> expression, e.g. "latency.endToEnd.p99": "< 15ms"');

export const matrixSchema = z
  .record(dottedPath('scenario'), z.array(z.unknown()).min(1, { error: 'needs at least one value' }))
  .default({})
  .describe('scenario path -> values; runs every combination');

/** Top-level fields whose keys are free text that may contain dots (so a dotted path ends there). */
export const RECORD_FIELDS: readonly string[] = ['thresholds', 'matrix'];

export const scenarioSchema = z
  .strictObject({
    /** Scenario name, 1..200 characters; names result files. */
    name: z.string().min(1).max(200).describe('scenario name'),
    description: z.string().optional().describe('what this scenario is for'),
    /** Seed of every random stream (keys, payloads, arrivals, latency). @default 1 */
    seed: z.int().min(0).default(1).describe('seed of every random stream'),
    /** Measured phase length, ms. @default 30 seconds (30000) */
    duration: durationMs().prefault('30s').describe('length of the measured phase'),
    /** Warmup before measuring: a duration (ms) or a request count. @default 0 */
    warmup: z
      .union([durationMs({ allowZero: true }), z.strictObject({ requests: z.int().min(0).describe('warmup requests') })], {
        error: (iss) => `expected a duration like 10s, or { requests: <count> } (got ${describeValue(iss.input)})`,
      })
      .prefault('0s')
      .describe('warmup before measuring: a duration or { requests }'),
    keys: keysSchema.describe('which entities requests ask for'),
    featureSets: featureSetsSchema,
    request: requestSchema.describe('what one inference request asks for'),
    codec: codecSchema.describe('how values are stored in Redis'),
    cascade: cascadeSchema.describe('the cache cascade: local LRU -> Redis -> source'),
    stampede: stampedeSchema,
    /** What to do when Redis or the source fails. @default "serve-stale" */
    failurePolicy: z.enum(['serve-stale', 'bypass', 'fail-closed']).default('serve-stale').describe('what to do when a tier fails'),
    load: loadSchema,
    /** Warm Redis before the warmup phase (README "Cache warming"). @default none */
    warm: warmSchema,
    /** Disturbances during the measured phase. @default [] */
    events: z.array(eventSchema).default([]).describe('disturbances during the measured phase'),
    cost: costSchema.describe('prices for cost per 1k inferences'),
    metrics: z
      .strictObject({
        /**
         * Miss-ratio curves of the local and Redis tiers from the run's own stream
         * (`capacity` in the result): exact LRU stack distances up to 200k distinct keys, SHARDS
         * above. Costs a few percent of local-hit throughput (`npm run bench -- mrc`). @default true
         */
        mrc: z.boolean().default(true).describe('record miss-ratio curves (capacity.mrc)'),
      })
      .prefault({})
      .describe('what the run records beyond latency and counts'),
    /** Pass/fail gates: result path -> expression. @default {} */
    thresholds: thresholdsSchema,
    /** Variants: scenario path -> values, run as a cartesian product. @default {} */
    matrix: matrixSchema,
  })
  .superRefine((scenario, ctx) => {
    checkBatchEvents(scenario.featureSets, scenario.events, ctx);
    // Cross-field check: an event may only target a feature set the scenario serves.
    const names = new Set((Array.isArray(scenario.featureSets) ? scenario.featureSets : []).map((set) => set?.name));
    (Array.isArray(scenario.events) ? scenario.events : []).forEach((event, index) => {
      if (event?.kind !== 'expire-hot' || event.featureSet === undefined || names.has(event.featureSet)) return;
      ctx.addIssue({
        code: 'custom',
        path: ['events', index, 'featureSet'],
        input: event.featureSet,
        // Quoted with escapes: names are checked for their characters elsewhere, and a problem is one line.
        message: `no feature set named ${JSON.stringify(event.featureSet)} (known: ${[...names].map((name) => printable(String(name))).join(', ')})`,
      });
    });
    checkSwrSoftTtl(scenario.stampede, scenario.featureSets, ctx);
    checkDeployEvents(scenario.cascade, scenario.featureSets, scenario.events, ctx);
    checkTensorLayouts(scenario.codec, scenario.featureSets, ctx);
    checkSharedLayout(scenario.cascade, scenario.events, ctx);
    checkWorkers(scenario.load, ctx);
    checkClusterTarget(scenario.cascade, scenario.events, ctx);
    checkImplementation(scenario, ctx);
  }, EVEN_WITH_ERRORS)
  .describe('An fcbench scenario: traffic, cache cascade and measurements');

/** `load.workers` splits the load as `--shard` does: each worker needs a virtual user and a request of its own. */
function checkWorkers(load: unknown, ctx: z.RefinementCtx): void {
  const l = load as { workers?: unknown; concurrency?: unknown; requests?: unknown; mode?: unknown } | undefined;
  if (typeof l?.workers !== 'number' || l.workers <= 1) return;
  const issue = (message: string) => ctx.addIssue({ code: 'custom', path: ['load', 'workers'], input: l.workers, message });
  if (l.mode === 'closed' && typeof l.concurrency === 'number' && l.concurrency < l.workers) {
    issue(`${l.workers} workers need load.concurrency of at least ${l.workers} (one virtual user each; it is ${l.concurrency})`);
  }
  if (typeof l.requests === 'number' && l.requests < l.workers) issue(`${l.workers} workers need load.requests of at least ${l.workers} (it is ${l.requests})`);
}

/** A validated scenario with defaults applied: durations in milliseconds, sizes in bytes. */
export type Scenario = z.output<typeof scenarioSchema>;
/** A scenario as written in YAML (durations and sizes still as text). */
export type ScenarioInput = z.input<typeof scenarioSchema>;

export type KeysConfig = z.output<typeof keysSchema>;
export type DistributionConfig = z.output<typeof distributionSchema>;
export type FeatureSetConfig = z.output<typeof featureSetSchema>;
export type PayloadConfig = z.output<typeof payloadSchema>;
export type TtlConfig = z.output<typeof ttlSchema>;
export type RequestConfig = z.output<typeof requestSchema>;
export type CodecConfig = z.output<typeof codecSchema>;
export type CascadeConfig = z.output<typeof cascadeSchema>;
export type LocalTierConfig = z.output<typeof localTierSchema>;
export type RedisTierConfig = z.output<typeof redisTierSchema>;
export type SourceConfig = z.output<typeof sourceSchema>;
export type SimulatedSourceConfig = Extract<SourceConfig, { kind: 'simulated' }>;
export type PostgresSourceConfig = Extract<SourceConfig, { kind: 'postgres' }>;
export type LatencyConfig = SimulatedSourceConfig['latency'];
export type StampedeConfig = z.output<typeof stampedeSchema>;
export type FailurePolicy = Scenario['failurePolicy'];
export type LoadConfig = z.output<typeof loadSchema>;
export type EventConfig = z.output<typeof eventSchema>;
export type CostConfig = z.output<typeof costSchema>;
export type WarmConfig = NonNullable<Scenario['warm']>;
/** Warmup: milliseconds, or a request count. */
export type WarmupConfig = Scenario['warmup'];
