import type * as z from 'zod';

/**
 * Cross-field rules of `deploy` events: a replica preloads `warmLocal` entities of every feature
 * set, so they must fit in its local tier (each set's LRU holds `maxEntries / sets`, as the
 * cascade splits it), and there must be a local tier to preload. The same in every load mode: an
 * HTTP replica process preloads with the same cascade code. Runs even when other fields failed, so
 * it reads its input defensively.
 */
export function checkDeployEvents(cascade: unknown, featureSets: unknown, events: unknown, ctx: z.RefinementCtx): void {
  const local = (cascade as { local?: { enabled?: unknown; maxEntries?: unknown } } | undefined)?.local;
  const sets = Array.isArray(featureSets) ? Math.max(1, featureSets.length) : 1;
  const maxEntries = typeof local?.maxEntries === 'number' ? local.maxEntries : null;
  const perSet = maxEntries === null ? null : Math.ceil(maxEntries / sets);
  (Array.isArray(events) ? (events as { kind?: unknown; warmLocal?: unknown }[]) : []).forEach((event, index) => {
    if (event?.kind !== 'deploy' || typeof event.warmLocal !== 'number' || event.warmLocal === 0) return;
    const issue = (message: string) => ctx.addIssue({ code: 'custom', path: ['events', index, 'warmLocal'], input: event.warmLocal, message });
    if (local?.enabled === false) issue('needs a local tier to preload (cascade.local.enabled is false)');
    else if (perSet !== null && event.warmLocal > perSet) {
      const split = sets > 1 ? ` (cascade.local.maxEntries ${maxEntries} split over ${sets} feature sets)` : ' (cascade.local.maxEntries)';
      issue(`must be at most ${perSet}, the entries a replica's local tier holds per feature set${split}`);
    }
  });
}
