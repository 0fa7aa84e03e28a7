import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportStem, writeReport } from '../../src/report/write-report.js';
import { makeResult } from './fixture.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fcbench-report-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const base = makeResult({ requests: 500 });
function named(name: string, variant = ''): typeof base {
  return { ...base, scenario: { ...base.scenario, name, variant } };
}

describe('reportStem', () => {
  it('is <name>[-<variant>]-<stamp> for one result', () => {
    expect(reportStem([base])).toBe('credit-features-zipf-20261125T201505Z');
    expect(reportStem([named('x', 'codec.format=json')])).toBe('x-codec.format-json-20261125T201505Z');
  });

  it('is <name>-compare-<latest stamp> for several', () => {
    const later = { ...base, startedAt: '2026-11-26T08:00:00.000Z' };
    expect(reportStem([base, later])).toBe('credit-features-zipf-compare-20261126T080000Z');
  });

  it.each([
    ['../../etc/passwd', 'etc-passwd'],
    ['a/b\\c', 'a-b-c'],
    ['nul\u0000byte', 'nul-byte'],
    ['café ünïcode 日本', 'cafe-unicode'],
    ['...', 'scenario'],
  ])('sanitises %j', (name, prefix) => {
    expect(reportStem([named(name)])).toBe(`${prefix}-20261125T201505Z`);
  });
});

describe('writeReport', () => {
  it('writes the page inside dir whatever the scenario is called', async () => {
    for (const name of ['../../escape', '/abs/path', 'nul\u0000.html', '..', 'ü/../..']) {
      const file = await writeReport([named(name)], dir);
      expect(path.dirname(file)).toBe(path.resolve(dir));
      expect(file.endsWith('.html')).toBe(true);
      expect(await readFile(file, 'utf8')).toMatch(/^<!doctype html>/);
    }
  });

  it('honours a stem hint, sanitised, and creates the directory', async () => {
    const nested = path.join(dir, 'new', 'sub');
    const file = await writeReport([base], nested, '../../../x y');
    expect(file).toBe(path.join(nested, 'x-y.html'));
    expect(await readdir(nested)).toEqual(['x-y.html']); // no temp file left behind
  });
});
