import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/results/atomic-write.js';
import { resultStem, safeFileStem, utcStamp } from '../../src/results/file-name.js';

describe('safe file names', () => {
  it.each([
    ['credit features', 'credit-features'],
    ['../../etc/passwd', 'etc-passwd'],
    ['a/b\\c', 'a-b-c'],
    ['..', 'scenario'],
    ['', 'scenario'],
    ['name\u0000with nul', 'name-with-nul'],
    ['.hidden', 'hidden'],
    ['a..b', 'a.b'],
    ['Zürich <script>', 'Zurich-script'],
  ])('%j -> %j', (input, expected) => {
    expect(safeFileStem(input)).toBe(expected);
  });

  it('always stays inside the target directory', () => {
    const dir = '/tmp/out';
    for (const name of ['../x', '/abs/path', '..\\..\\win', 'a/../../b', '....//....//x']) {
      expect(resolve(dir, `${safeFileStem(name)}.json`).startsWith(`${dir}/`)).toBe(true);
    }
  });

  it('stamps are sortable UTC and stems carry the variant', () => {
    const at = new Date('2026-11-25T20:15:05.123Z');
    expect(utcStamp(at)).toBe('20261125T201505Z');
    expect(resultStem('my run', 'codec.format=json', at)).toBe('my-run-codec.format-json-20261125T201505Z');
    expect(resultStem('my run', '', at)).toBe('my-run-20261125T201505Z');
  });
});

describe('atomic write', () => {
  it('writes the whole content and leaves no temp file behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fcb-atomic-'));
    const file = join(dir, 'nested', 'r.json');
    await writeFileAtomic(file, 'first');
    await writeFileAtomic(file, 'second');
    expect(readFileSync(file, 'utf8')).toBe('second');
    expect(readdirSync(join(dir, 'nested'))).toEqual(['r.json']);
  });

  it('a failed write leaves the previous file intact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fcb-atomic-'));
    const file = join(dir, 'r.json');
    await writeFileAtomic(file, 'good');
    await expect(writeFileAtomic(join(file, 'not-a-dir', 'x.json'), 'bad')).rejects.toThrow();
    expect(readFileSync(file, 'utf8')).toBe('good');
  });
});
