import { resolve } from 'node:path';
import type { Scenario } from '../scenario/schema.js';
import { entityId } from '../workload/key-chooser.js';
import { readTraceFile } from '../workload/trace-replay.js';

/** Every entity a scenario can request, each once: what a feature store must hold for it. */
export interface ScenarioEntities {
  count: number;
  /** A fresh pass over the ids each call (never materialised for the index range: 10M entities cost nothing). */
  ids(): Iterable<string>;
}

/** `entityId(0..keys.entities-1)`, or a trace file's distinct ids (relative to `scenarioDir`). */
export function scenarioEntities(scenario: Scenario, scenarioDir: string): ScenarioEntities {
  const distribution = scenario.keys.distribution;
  if (distribution.kind === 'trace') {
    const ids = readTraceFile(resolve(scenarioDir, distribution.file)).ids;
    return { count: ids.length, ids: () => ids };
  }
  const count = scenario.keys.entities;
  return {
    count,
    *ids() {
      for (let i = 0; i < count; i++) yield entityId(i);
    },
  };
}
