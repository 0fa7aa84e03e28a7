import * as z from 'zod';
import { identifier } from './schema-workload.js';

/**
 * `warm:` in a scenario: warm Redis before the warmup phase, from the model's top N, a manifest,
 * or a Parquet / Arrow export; optionally progressively (the first `blocking` keys before traffic,
 * the rest in the background during the measured phase). Exactly one input.
 */
export const warmSchema = z
  .strictObject({
    /** Warm the N hottest entities of every feature set by the scenario's key distribution, values from its source. */
    top: z.int().min(1).optional().describe('warm the N hottest entities of each feature set (values from the source)'),
    /** A manifest (`fcbench manifest`), relative to the scenario file; values from the source. */
    manifest: z.string().min(1).optional().describe('a warming manifest file (relative to the scenario)'),
    /** A Parquet file of feature rows (entity column, then one column per feature), relative to the scenario. */
    parquet: z.string().min(1).optional().describe('a Parquet file of feature rows (relative to the scenario)'),
    /** An Arrow IPC file of feature rows, relative to the scenario. */
    arrow: z.string().min(1).optional().describe('an Arrow IPC file of feature rows (relative to the scenario)'),
    /** Parquet / Arrow: the feature set the rows belong to. @default the only feature set */
    featureSet: identifier('a feature set name').optional().describe('Parquet / Arrow: the feature set of the rows'),
    /** Parquet / Arrow: the entity column. @default "entity" */
    entityColumn: z.string().min(1).default('entity').describe('Parquet / Arrow: the entity column'),
    /** Keys per pipelined batch. @default 500 */
    batch: z.int().min(1).max(100_000).default(500).describe('keys per pipelined batch'),
    /** Most keys per second written (blocking part); none = as fast as Redis takes them. @default none */
    rate: z.number().gt(0).optional().describe('keys per second at most (blocking part)'),
    progressive: z
      .strictObject({
        /** Keys written before traffic starts (the hottest first); the rest in the background. */
        blocking: z.int().min(0).describe('keys warmed before traffic; the rest in the background'),
        /** Background keys per second. @default 1000 */
        rate: z.number().gt(0).default(1000).describe('background warming rate, keys per second'),
      })
      .optional()
      .describe('warm the first `blocking` keys before traffic and the rest during the measured phase'),
  })
  .superRefine((warm, ctx) => {
    const inputs = (['top', 'manifest', 'parquet', 'arrow'] as const).filter((k) => warm[k] !== undefined);
    if (inputs.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        input: warm,
        message: inputs.length === 0 ? 'needs one input: top, manifest, parquet or arrow' : `give one input, not ${inputs.join(' and ')}`,
      });
    }
  })
  .optional()
  .describe('warm Redis before the warmup phase: { top } | { manifest } | { parquet } | { arrow }, optionally progressive');

/** Events that delete or rewrite keys a shared-layout run did not write. */
const KEY_REWRITING_EVENTS = ['expire-hot', 'batch-publish', 'batch-rollback'];

/** `cascade.redis.shared: true` promises never to delete keys the run did not write: refuse events that would. */
export function checkSharedLayout(cascade: unknown, events: unknown, ctx: z.RefinementCtx): void {
  const shared = (cascade as { redis?: { shared?: unknown } } | undefined)?.redis?.shared === true;
  if (!shared || !Array.isArray(events)) return;
  events.forEach((event: { kind?: unknown } | undefined, index) => {
    if (typeof event?.kind !== 'string' || !KEY_REWRITING_EVENTS.includes(event.kind)) return;
    ctx.addIssue({
      code: 'custom',
      path: ['events', index, 'kind'],
      input: event.kind,
      message: `${event.kind} deletes or rewrites keys other writers own; it cannot run with cascade.redis.shared: true (drop shared, or the event)`,
    });
  });
}
