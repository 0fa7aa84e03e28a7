import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { cascadeOptionsOf } from '../../src/load/cascade-config.js';
import { loadProblems, useScenarioDir } from './scenario-files.js';

const files = useScenarioDir();
const SETS = 'featureSets:\n  - { name: a, ttl: { hard: 10m } }\n  - { name: b, ttl: { hard: 30m, soft: 1m } }\n';

describe('stampede.softTtl (swr) and expire-hot expiry', () => {
  it('gives swr softTtl to the sets without a soft TTL, and keeps expire-hot expiry', async () => {
    const file = files.write('swr.yaml', `name: x\n${SETS}stampede: { strategy: swr, softTtl: 5m }\nevents:\n  - { at: 1s, kind: expire-hot, expiry: soft }\n  - { at: 2s, kind: expire-hot }\n`);
    const loaded = await loadScenario(file);
    const scenario = loaded.variants[0]!.scenario;
    expect(cascadeOptionsOf(scenario, 'p').featureSets.map((s) => s.ttl.softMs)).toEqual([300_000, 60_000]);
    expect(scenario.events.map((e) => (e.kind === 'expire-hot' ? e.expiry : null))).toEqual(['soft', 'hard']);
  });

  it('refuses a softTtl not shorter than a hard TTL it would apply to, at the option', async () => {
    const file = files.write('long.yaml', `name: x\n${SETS}stampede: { strategy: swr, softTtl: 10m }\n`);
    const lines = await loadProblems(file);
    expect(lines.some((l) => l.startsWith(`${file}:5:`) && l.includes('stampede.softTtl: must be shorter than the hard TTL of feature set "a"'))).toBe(true);
  });

  it('softTtl belongs to swr only', async () => {
    const file = files.write('sf.yaml', `name: x\nstampede: { strategy: single-flight, softTtl: 1m }\n`);
    expect((await loadProblems(file)).join('\n')).toMatch(/stampede\.softTtl: unknown field/);
  });
});
