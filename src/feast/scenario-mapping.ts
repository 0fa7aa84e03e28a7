import type { Scenario } from '../scenario/schema.js';
import type { PayloadSpec } from '../workload/types.js';
import type { FeastKeyOptions } from './redis-key.js';

/**
 * A scenario's Feast mapping (README "Feast's Redis layout"): project = the run's key prefix,
 * one join key, a feature view per feature set with its payload's features. Null under
 * fcbench's own layout.
 */
export function feastMappingOf(scenario: Scenario, keyPrefix: string): (FeastKeyOptions & { payloads: Record<string, PayloadSpec> }) | null {
  if (scenario.cascade.layout !== 'feast') return null;
  return {
    project: keyPrefix,
    joinKey: scenario.cascade.feast?.joinKey ?? 'entity_id',
    entityType: scenario.cascade.feast?.entityType ?? 'string',
    payloads: Object.fromEntries(scenario.featureSets.map((set) => [set.name, set.payload])),
  };
}
