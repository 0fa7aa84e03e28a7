import { describe, expect, it } from 'vitest';
import { buildWorkload } from '../../src/load/build-workload.js';
import { parseScenario } from '../../src/scenario/validate.js';
import { createRequestPlan } from '../../src/serve/request-plan.js';

/** The HTTP request plan across a deploy's switch: the new generation's ids, the same key stream. */
function planFor(routing: 'random' | 'affinity') {
  const scenario = parseScenario({ name: 'plan', seed: 9, keys: { entities: 500 }, cascade: { replicas: 2, routing }, load: { mode: 'http', driver: 'open', rate: 100 } });
  return createRequestPlan(scenario, buildWorkload(scenario, process.cwd()), 'p', 2);
}

describe('request plan switchTo (a deploy)', () => {
  it('after the switch every request names a replica of the new generation, spread over its count', () => {
    const plan = planFor('random');
    for (let i = 0; i < 100; i++) expect([0, 1]).toContain(plan.next()!.replica);
    plan.switchTo(2, 3);
    const counts = [0, 0, 0, 0, 0];
    for (let i = 0; i < 3000; i++) counts[plan.next()!.replica]!++;
    expect(counts.slice(0, 2)).toEqual([0, 0]);
    for (const n of counts.slice(2)) expect(Math.abs(n - 1000)).toBeLessThan(150);
  });

  it('the entity stream is the one a run without a deploy draws', () => {
    const plain = planFor('random');
    const deployed = planFor('random');
    const entities = (plan: ReturnType<typeof planFor>, switchAt: number | null) =>
      Array.from({ length: 400 }, (_, i) => {
        // To one replica: no routing draw at all, so a shared stream would shift every later key.
        if (i === switchAt) plan.switchTo(2, 1);
        return plan.next()!.entity;
      });
    expect(entities(deployed, 200)).toEqual(entities(plain, null));
  });

  it('affinity over the new count: a connection bound to a new replica gets only its entities', () => {
    const plan = planFor('affinity');
    plan.switchTo(2, 3);
    const seen = new Map<string, number>();
    for (const replica of [2, 3, 4]) {
      for (let i = 0; i < 100; i++) {
        const { entity } = plan.nextFor(replica)!;
        expect(seen.get(entity) ?? replica).toBe(replica);
        seen.set(entity, replica);
      }
    }
    // The open driver's per-request route agrees with the per-connection one.
    for (let i = 0; i < 200; i++) {
      const request = plan.next()!;
      if (seen.has(request.entity)) expect(request.replica).toBe(seen.get(request.entity));
    }
  });
});
