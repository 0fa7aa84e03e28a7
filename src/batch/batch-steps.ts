import type { Scenario } from '../scenario/schema.js';
import type { SnapshotStep } from './snapshot-chain.js';

export type BatchPublishEvent = Extract<Scenario['events'][number], { kind: 'batch-publish' }>;
export type BatchRollbackEvent = Extract<Scenario['events'][number], { kind: 'batch-rollback' }>;

/**
 * The later snapshot versions per feature set, from the scenario's batch-publish events in time
 * order, a rolled-back one marked abandoned. Known before the run, so what each version holds is
 * fixed by the scenario and seed whatever the run's timing.
 */
export function batchSteps(events: Scenario['events']): Record<string, SnapshotStep[]> {
  const rolledBack = new Set(events.filter((e): e is BatchRollbackEvent => e.kind === 'batch-rollback').map((e) => `${e.featureSet}\u0000${e.version}`));
  const steps: Record<string, SnapshotStep[]> = {};
  const publishes = events.filter((e): e is BatchPublishEvent => e.kind === 'batch-publish').sort((a, b) => a.at - b.at);
  for (const e of publishes) {
    const abandoned = rolledBack.has(`${e.featureSet}\u0000${e.version}`);
    (steps[e.featureSet] ??= []).push({ version: e.version, changed: e.changed, ...(abandoned ? { abandoned } : {}) });
  }
  return steps;
}
