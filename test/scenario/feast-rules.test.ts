import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { cascadeOptionsOf } from '../../src/load/cascade-config.js';
import { loadProblems, useScenarioDir } from './scenario-files.js';

const files = useScenarioDir();
const SET = 'featureSets:\n  - { name: driver_stats, ttl: { hard: 10m } }\n';

describe('cascade.layout', () => {
  it('defaults to fcbench, and feast maps onto the cascade options with its join key defaults', async () => {
    const plain = (await loadScenario(files.write('plain.yaml', `name: x\n${SET}`))).variants[0]!.scenario;
    expect(plain.cascade.layout).toBe('fcbench');
    expect(cascadeOptionsOf(plain, 'p').layout).toEqual({ kind: 'fcbench' });
    const feast = (await loadScenario(files.write('feast.yaml', `name: x\n${SET}cascade: { layout: feast }\n`))).variants[0]!.scenario;
    expect(cascadeOptionsOf(feast, 'p').layout).toEqual({ kind: 'feast' });
    const keyed = (await loadScenario(files.write('keyed.yaml', `name: x\n${SET}cascade: { layout: feast, feast: { joinKey: driver_id, entityType: int64 } }\n`))).variants[0]!.scenario;
    expect(cascadeOptionsOf(keyed, 'p').layout).toEqual({ kind: 'feast', joinKey: 'driver_id', entityType: 'int64' });
  });

  it('refuses each combination a Feast hash cannot hold, one line per field with its file and line', async () => {
    const file = files.write(
      'bad.yaml',
      [
        'name: x',
        'featureSets:',
        '  - { name: a, ttl: { hard: 10m, soft: 1m } }',
        '  - { name: b, ttl: { hard: 10m, earlyRefresh: { kind: xfetch } } }',
        'codec: { format: tensor, compression: zstd }',
        'stampede: { strategy: swr }',
        'cascade:',
        '  layout: feast',
        '  local: { invalidation: tracking }',
        'events:',
        '  - { at: 1s, kind: batch-publish, featureSet: a, version: v2 }',
        '  - { at: 2s, kind: expire-hot, expiry: soft }',
        '',
      ].join('\n'),
    );
    const lines = await loadProblems(file);
    const expectLine = (line: number, field: string) => expect(lines.some((l) => l.startsWith(`${file}:${line}:`) && l.includes(`${field}: not supported with cascade.layout feast`)), `${line} ${field} in\n${lines.join('\n')}`).toBe(true);
    expectLine(3, 'featureSets[0].ttl.soft');
    expectLine(4, 'featureSets[1].ttl.earlyRefresh');
    expectLine(5, 'codec.format');
    expectLine(5, 'codec.compression');
    expectLine(6, 'stampede.strategy');
    expectLine(9, 'cascade.local.invalidation');
    expectLine(11, 'events[0].kind');
    expectLine(12, 'events[1].expiry');
  });

  it('refuses cascade.feast without layout feast, and an unknown layout', async () => {
    expect((await loadProblems(files.write('stray.yaml', `name: x\n${SET}cascade: { feast: { joinKey: id } }\n`))).join('\n')).toMatch(/cascade\.feast: applies only with cascade\.layout: feast/);
    expect((await loadProblems(files.write('other.yaml', `name: x\n${SET}cascade: { layout: hopsworks }\n`))).join('\n')).toMatch(/cascade\.layout/);
  });
});
