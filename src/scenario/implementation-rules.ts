import * as z from 'zod';
import { describeValue } from './describe-value.js';
import { checkFeastLayout } from './feast-rules.js';

/** The cascades fcbench ships; a value ending in .js / .mjs / .cjs / .ts / .mts is a module path instead. */
export const IMPLEMENTATION_NAMES = ['fcbench', 'bentocache', 'cache-manager'] as const;
const MODULE_RE = /\.(m|c)?[jt]s$/;

/**
 * `cascade.implementation`: whose cascade serves the requests. A module path is relative to the
 * scenario's folder and loaded at run time (docs/cascade-plugins.md). @default "fcbench"
 */
export const implementationSchema = z
  .string()
  .refine((value) => (IMPLEMENTATION_NAMES as readonly string[]).includes(value) || MODULE_RE.test(value), {
    error: (iss) => `expected ${IMPLEMENTATION_NAMES.join(', ')} or a path to a .js / .mjs module (got ${describeValue(iss.input)})`,
  })
  .default('fcbench')
  .describe('fcbench | bentocache | cache-manager | path to a JS module exporting createCascade');

/**
 * What a cascade other than fcbench's own cannot take part in: these need fcbench's key layout
 * (warming, the shared layout, versioned keys, soft expiry, preloading) or its replica processes
 * and worker threads. Refused at validation so a run does not find out at an event.
 */
export function checkImplementation(scenario: Record<string, unknown>, ctx: z.RefinementCtx): void {
  // Called from here, the one whole-scenario check of the cascade's kind, so schema.ts stays as it is.
  checkFeastLayout(scenario, ctx);
  const cascade = scenario['cascade'] as { implementation?: unknown; redis?: { shared?: unknown } } | undefined;
  const implementation = cascade?.implementation;
  if (typeof implementation !== 'string' || implementation === 'fcbench') return;
  const issue = (path: (string | number)[], input: unknown, what: string) =>
    ctx.addIssue({ code: 'custom', path, input, message: `${what} is not supported with cascade.implementation ${implementation} (it needs fcbench's own cascade)` });
  const load = scenario['load'] as { mode?: unknown; workers?: unknown } | undefined;
  if (load?.mode === 'http') issue(['load', 'mode'], load.mode, 'load.mode http');
  if (typeof load?.workers === 'number' && load.workers > 1) issue(['load', 'workers'], load.workers, 'load.workers above 1');
  if (scenario['warm'] !== undefined) issue(['warm'], scenario['warm'], 'warm (it writes fcbench\'s key layout)');
  if (cascade?.redis?.shared === true) issue(['cascade', 'redis', 'shared'], true, 'the shared key layout');
  const events = Array.isArray(scenario['events']) ? (scenario['events'] as { kind?: unknown; expiry?: unknown; warmLocal?: unknown }[]) : [];
  events.forEach((event, index) => {
    if (event?.kind === 'batch-publish' || event?.kind === 'batch-rollback') issue(['events', index, 'kind'], event.kind, event.kind);
    if (event?.kind === 'expire-hot' && event.expiry === 'soft') issue(['events', index, 'expiry'], event.expiry, 'expire-hot expiry: soft');
    if (event?.kind === 'deploy' && typeof event.warmLocal === 'number' && event.warmLocal > 0) issue(['events', index, 'warmLocal'], event.warmLocal, "a deploy's warmLocal");
  });
}
