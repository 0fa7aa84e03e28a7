import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FcbenchError } from '../../src/errors.js';
import { createKeyChooser, entityId, hottestEntities, type DistributionSpec } from '../../src/workload/key-chooser.js';
import { createRng } from '../../src/workload/rng.js';
import { parseTrace } from '../../src/workload/trace-replay.js';

const dir = mkdtempSync(join(tmpdir(), 'fcbench-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function draw(spec: DistributionSpec, entities: number, seed: number, count: number): string[] {
  const chooser = createKeyChooser(spec, entities, seed);
  return Array.from({ length: count }, () => chooser.next() ?? 'DONE');
}

/** Ids sorted by how often they were drawn, most frequent first. */
function byFrequency(ids: string[]): string[] {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
}

const zipf: DistributionSpec = { kind: 'zipf', exponent: 1.2, scramble: true };

describe('createKeyChooser', () => {
  it('is a pure function of (spec, entities, seed)', () => {
    expect(draw(zipf, 1000, 42, 500)).toEqual(draw(zipf, 1000, 42, 500));
    expect(draw(zipf, 1000, 42, 500)).not.toEqual(draw(zipf, 1000, 43, 500));
  });

  it('scrambled zipf: the most drawn ids are the hottest entities, and they are spread out', () => {
    const top = byFrequency(draw(zipf, 1000, 7, 200_000)).slice(0, 5);
    expect(top).toEqual(hottestEntities(zipf, 1000, 7, 5));
    expect(top).not.toEqual(['0', '1', '2', '3', '4']);
  });

  it('plain zipf keeps rank = entity', () => {
    const spec: DistributionSpec = { kind: 'zipf', exponent: 1.2, scramble: false };
    expect(byFrequency(draw(spec, 1000, 7, 100_000)).slice(0, 3)).toEqual(['0', '1', '2']);
    expect(hottestEntities(spec, 1000, 7, 3)).toEqual(['0', '1', '2']);
  });

  it('latest: rank 0 is the newest entity, n - 1', () => {
    const spec: DistributionSpec = { kind: 'latest', exponent: 1 };
    expect(byFrequency(draw(spec, 500, 3, 100_000)).slice(0, 3)).toEqual(['499', '498', '497']);
    expect(hottestEntities(spec, 500, 3, 2)).toEqual(['499', '498']);
  });

  it('uniform and hotspot: ids in range; the hottest are the first entities', () => {
    const uniform = draw({ kind: 'uniform' }, 50, 1, 5000);
    expect(uniform.every((id) => Number(id) >= 0 && Number(id) < 50)).toBe(true);
    expect(new Set(uniform).size).toBe(50);
    const hotspot: DistributionSpec = { kind: 'hotspot', hotFraction: 0.1, hotShare: 0.9 };
    const hotDraws = draw(hotspot, 1000, 1, 20_000).filter((id) => Number(id) < 100).length;
    expect(hotDraws).toBeGreaterThan(17_500);
    expect(hottestEntities(hotspot, 1000, 1, 3)).toEqual(['0', '1', '2']);
    expect(hottestEntities({ kind: 'uniform' }, 3, 1, 10)).toEqual(['0', '1', '2']);
  });

  it('draws from the given stream while keeping the rank -> entity mapping', () => {
    const a = createKeyChooser(zipf, 1000, 5, { rng: createRng(5).fork('replica-0') });
    const b = createKeyChooser(zipf, 1000, 5, { rng: createRng(5).fork('replica-1') });
    const seqA = Array.from({ length: 50 }, () => a.next());
    const seqB = Array.from({ length: 50 }, () => b.next());
    expect(seqA).not.toEqual(seqB);
    expect(a.entityOfRank(0)).toBe(b.entityOfRank(0));
    expect(a.entityOfRank(0)).toBe(hottestEntities(zipf, 1000, 5, 1)[0]);
    expect(a.entityOfRank(1000)).toBeNull();
    expect(a.entityOfRank(-1)).toBeNull();
    expect(a.size).toBe(1000);
  });

  it('trace: replays the file, ends with null unless looping, hottest by frequency', () => {
    const file = join(dir, 'trace.txt');
    writeFileSync(file, '12\nuser-a\n12\n0012\nuser-b\nuser-a\n');
    const once = draw({ kind: 'trace', file, loop: false }, 1, 0, 8);
    expect(once).toEqual(['12', 'user-a', '12', '12', 'user-b', 'user-a', 'DONE', 'DONE']);
    const looped = draw({ kind: 'trace', file, loop: true }, 1, 0, 8);
    expect(looped.slice(6)).toEqual(['12', 'user-a']);
    expect(hottestEntities({ kind: 'trace', file, loop: false }, 1, 0, 10)).toEqual(['12', 'user-a', 'user-b']);
  });

  it('trace: uses a preloaded trace instead of reading the file', () => {
    const trace = parseTrace('p\nq\n', 'mem');
    const chooser = createKeyChooser({ kind: 'trace', file: join(dir, 'missing'), loop: false }, 1, 0, { trace });
    expect([chooser.next(), chooser.next(), chooser.next()]).toEqual(['p', 'q', null]);
  });

  it('rejects bad entity counts, topN and unreadable traces with bad-input errors', () => {
    expect(() => createKeyChooser({ kind: 'uniform' }, 0, 1)).toThrow(FcbenchError);
    expect(() => createKeyChooser({ kind: 'uniform' }, 2.5, 1)).toThrow(/keys.entities/);
    expect(() => hottestEntities(zipf, 10, 1, -1)).toThrow(/top: must be an integer/);
    expect(() => createKeyChooser({ kind: 'trace', file: join(dir, 'absent'), loop: true }, 1, 0)).toThrow(FcbenchError);
  });

  it('entity ids are decimal index strings', () => {
    expect(entityId(0)).toBe('0');
    expect(entityId(123456)).toBe('123456');
  });
});
