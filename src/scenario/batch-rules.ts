import type * as z from 'zod';

/**
 * Cross-field rules of the batch events, checked with the rest of the scenario so every problem is
 * reported at once, located, before anything is written to the source or Redis. Runs even when
 * other fields failed, so it reads its input defensively.
 */
interface RawEvent {
  kind?: unknown;
  at?: unknown;
  featureSet?: unknown;
  version?: unknown;
  publication?: unknown;
  invalidation?: unknown;
  commitDuration?: unknown;
}

export function checkBatchEvents(featureSets: unknown, events: unknown, ctx: z.RefinementCtx): void {
  const sets = Array.isArray(featureSets) ? (featureSets as { name?: unknown; version?: unknown }[]) : [];
  const list = Array.isArray(events) ? (events as RawEvent[]) : [];
  const baseVersion = new Map(sets.map((s) => [s?.name, s?.version]));
  const issue = (index: number, field: string, message: string, input: unknown) =>
    ctx.addIssue({ code: 'custom', path: ['events', index, field], input, message });
  // In time order: a version is "current" once an earlier publish of it exists.
  const order = list.map((event, index) => ({ event, index })).sort((a, b) => Number(a.event?.at ?? 0) - Number(b.event?.at ?? 0));
  const published = new Map<string, { at: number; commitAt: number }>();
  for (const { event, index } of order) {
    if (event?.kind !== 'batch-publish' && event?.kind !== 'batch-rollback') continue;
    const set = event.featureSet;
    if (typeof set !== 'string') continue;
    if (!baseVersion.has(set)) {
      const known = [...baseVersion.keys()].filter((n) => typeof n === 'string').map((n) => JSON.stringify(n)).join(', ');
      issue(index, 'featureSet', `no feature set named ${JSON.stringify(set)} (known: ${known})`, set);
      continue;
    }
    const version = event.version;
    if (typeof version !== 'string') continue;
    const key = `${set}\u0000${version}`;
    const at = Number(event.at ?? 0);
    if (event.kind === 'batch-publish') {
      if (version === baseVersion.get(set) || published.has(key)) {
        issue(index, 'version', `version ${JSON.stringify(version)} of ${JSON.stringify(set)} already exists; a batch publishes a new one`, version);
        continue;
      }
      if (event.publication === 'none' && event.invalidation !== undefined && event.invalidation !== 'ttl-only') {
        issue(index, 'invalidation', `${String(event.invalidation)} needs a publication to act on; with publication: none only ttl-only applies`, event.invalidation);
      }
      published.set(key, { at, commitAt: at + Number(event.commitDuration ?? 0) });
    } else {
      const write = published.get(key);
      if (write === undefined) {
        issue(index, 'version', `no earlier batch-publish of ${JSON.stringify(set)} version ${JSON.stringify(version)} to roll back`, version);
      } else if (write.commitAt <= at) {
        issue(index, 'at', `version ${JSON.stringify(version)} is already committed at ${write.commitAt} ms; only an uncommitted snapshot can be rolled back (raise commitDuration)`, event.at);
      }
    }
  }
}
