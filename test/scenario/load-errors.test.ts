import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { loadProblems, useScenarioDir } from './scenario-files.js';

const files = useScenarioDir();

/** One bad input per row: the file text, and the exact beginning of one reported line (`{file}` is the path). */
const cases: Array<[label: string, text: string, expected: string]> = [
  ['YAML syntax error', 'name: x\nkeys: { entities: 5\nseed: 1\n', '{file}:3:1: YAML syntax error: '],
  ['duplicate key', 'name: x\nseed: 1\nseed: 2\n', '{file}:3:1: YAML syntax error: Map keys must be unique'],
  ['tab indentation', 'name: x\ncascade:\n\treplicas: 2\n', '{file}:3:1: YAML syntax error: '],
  ['empty file', '', '{file}:1:1: the file is empty; a scenario needs at least a name: field'],
  ['only comments', '# nothing here\n', '{file}:1:1: the file is empty'],
  ['top level is a list', '- name: x\n', '{file}:1:1: expected a mapping of scenario fields at the top level (got a list)'],
  ['unknown field with suggestion', 'name: x\ncascade:\n  locl: {}\n', '{file}:3:3: cascade.locl: unknown field "locl"; did you mean "local"?'],
  ['unknown top-level field', 'name: x\nduraton: 5s\n', '{file}:2:1: duraton: unknown field "duraton"; did you mean "duration"?'],
  ['wrong type', 'name: x\nseed: abc\n', '{file}:2:7: seed: expected an integer (got "abc")'],
  ['zero TTL', 'name: x\nfeatureSets:\n  - name: a\n    ttl: { hard: 0s }\n', '{file}:4:18: featureSets[0].ttl.hard: must be > 0 (got "0s")'],
  ['negative TTL', 'name: x\ncascade:\n  local:\n    ttl: -30s\n', '{file}:4:10: cascade.local.ttl: must be > 0 (got "-30s")'],
  ['exponent <= 0', 'name: x\nkeys:\n  distribution: { kind: zipf, exponent: -1 }\n', '{file}:3:41: keys.distribution.exponent: must be > 0 (got -1)'],
  ['bad duration unit', 'name: x\nduration: 5 sec\n', '{file}:2:11: duration: unknown duration unit "sec" in "5 sec"; use us, µs, ms, s, m or h'],
  ['bad size unit', 'name: x\ncost:\n  redisNodeMemory: 6XB\n', '{file}:3:20: cost.redisNodeMemory: unknown size unit "XB"'],
  ['missing required field points at its parent', 'name: x\nload:\n  mode: open\n', '{file}:2:1: load.rate: required (a number)'],
  ['missing name', 'seed: 3\n', '{file}:1:1: name: required (a string)'],
  ['bad discriminator', 'name: x\nstampede: { strategy: redis-lok }\n', '{file}:2:23: stampede.strategy: must be one of none, single-flight, swr, redis-lock (got "redis-lok"); did you mean "redis-lock"?'],
  ['empty value', 'name: x\nfeatureSets:\n  - name: a\n    ttl:\n      hard:\n', '{file}:5:7: featureSets[0].ttl.hard: expected a duration'],
  ['bad threshold', 'name: x\nthresholds:\n  latency.endToEnd.p99: "15ms"\n', '{file}:3:25: thresholds["latency.endToEnd.p99"]: expected an operator first'],
  ['trace file missing', 'name: x\nkeys:\n  distribution: { kind: trace, file: missing.keys }\n', '{file}:3:38: keys.distribution.file: trace file not found: '],
  ['event names an unknown set', 'name: x\nevents:\n  - { at: 1s, kind: expire-hot, featureSet: nope }\n', '{file}:3:45: events[0].featureSet: no feature set named "nope"'],
];

describe('loadScenario: every bad input is located as file:line:col: path: message', () => {
  it.each(cases)('%s', async (label, text, expected) => {
    const file = files.write(`${label.replace(/\W+/g, '-')}.yaml`, text);
    const lines = await loadProblems(file);
    const prefix = expected.replace('{file}', file);
    expect(lines.some((line) => line.startsWith(prefix)), `${prefix}\nnot in\n${lines.join('\n')}`).toBe(true);
  });

  it('collects every problem in the file, in one error', async () => {
    const file = files.write(
      'many.yaml',
      ['name: x', 'seed: -1', 'keys:', '  distribution: { kind: zipf, exponent: 0 }', 'cascade:', '  locl: {}', '  replicas: many', ''].join('\n'),
    );
    const lines = await loadProblems(file);
    expect(lines).toEqual([
      `${file}:2:7: seed: must be >= 0 (got -1)`,
      `${file}:4:41: keys.distribution.exponent: must be > 0 (got 0)`,
      `${file}:7:13: cascade.replicas: expected an integer (got "many")`,
      `${file}:6:3: cascade.locl: unknown field "locl"; did you mean "local"?`,
    ]);
  });

  it('reports a missing file', async () => {
    const file = join(files.dir, 'nope.yaml');
    expect(await loadProblems(file)).toEqual([`${file}: file not found`]);
  });

  it('reports a directory', async () => {
    const dir = join(files.dir, 'a-folder.yaml');
    mkdirSync(dir);
    expect(await loadProblems(dir)).toEqual([`${dir}: is a directory, not a scenario file (expected a .yaml file)`]);
  });

  it('reports a path that cannot be read (a file used as a folder)', async () => {
    const file = files.write('plain.yaml', 'name: x\n');
    const lines = await loadProblems(join(file, 'inside.yaml'));
    expect(lines[0]).toMatch(/^.*plain\.yaml\/inside\.yaml: cannot read the file \(.*ENOTDIR/);
  });

  it.skipIf(process.getuid?.() === 0)('reports an unreadable file (chmod 000; skipped as root, who reads anything)', async () => {
    const file = files.write('locked.yaml', 'name: x\n');
    chmodSync(file, 0o000);
    expect(await loadProblems(file)).toEqual([`${file}: permission denied (cannot read the file)`]);
  });
});

describe('loadScenario: bad --set flags are named after the flag', () => {
  const base = 'name: x\ncascade:\n  replicas: 2\n';
  it.each([
    [['cascade.replicas'], '--set cascade.replicas: expected path=value, e.g. --set cascade.replicas=4'],
    [['=3'], '--set =3: the path before "=" is empty'],
    [['cascade..replicas=3'], '--set cascade..replicas=3: bad path "cascade..replicas"'],
    [['cascade.replicas=abc'], '--set cascade.replicas=abc: cascade.replicas: expected an integer (got "abc")'],
    [['cascade.replica=3'], '--set cascade.replica=3: cascade.replica: unknown field "replica"; did you mean "replicas"?'],
    [['nonsense.deep.path=1'], '--set nonsense.deep.path=1: nonsense: unknown field "nonsense"'],
    [['name.first=1'], '--set name.first=1: name.first: name is "x", not a mapping or list, so name.first cannot be set'],
    [['codec.format=[json'], '--set codec.format=[json: the value is not valid YAML'],
    [['featureSets.3.name=b'], '--set featureSets.3.name=b: featureSets[3].name: featureSets has 0 item(s): index 3 is out of range'],
    [['name=null'], '--set name=null: name: required (a string)'],
  ])('%j', async (sets, expected) => {
    const file = files.write('set-base.yaml', base);
    const lines = await loadProblems(file, { sets });
    expect(lines.some((line) => line.startsWith(expected)), `${expected}\nnot in\n${lines.join('\n')}`).toBe(true);
  });

  it('names --seed and --duration the same way', async () => {
    const file = files.write('seed-base.yaml', base);
    const lines = await loadProblems(file, { seed: -1, duration: '5x' });
    expect(lines).toEqual(['--seed -1: seed: must be >= 0 (got -1)', '--duration 5x: duration: unknown duration unit "x" in "5x"; use us, µs, ms, s, m or h']);
  });
});

describe('loadScenario: problems caused by a flag point at the flag', () => {
  it('a field made necessary by --set is reported against that --set', async () => {
    const file = files.write('needs-rate.yaml', 'name: x\nload: { mode: closed }\n');
    expect(await loadProblems(file, { sets: ['load.mode=open'] })).toEqual(['--set load.mode=open: load.rate: required (a number)']);
  });
});

describe('loadScenario: hostile YAML', () => {
  it('refuses an alias bomb instead of expanding it', async () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++) lines.push(`${'abcdefgh'[i]}: &${'abcdefgh'[i]} [${Array(10).fill(`*${'abcdefgh'[i - 1]}`).join(', ')}]`);
    const file = files.write('bomb.yaml', `${lines.join('\n')}\nname: x\n`);
    const problems = await loadProblems(file);
    expect(problems[0]).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1:1: cannot expand the YAML: `));
  });
});

/** Each case is a bug `npm run fuzz` (test/scenario/fuzz.test.ts) found, kept as a plain regression. */
describe('loadScenario: found by fuzzing', () => {
  /** Captures process warnings while `load` runs: Node prints them to stderr, unlocated. */
  async function warningsDuring(load: () => Promise<unknown>): Promise<string[]> {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      await load().catch(() => undefined);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    return warnings;
  }

  it('counts lines itself: a multi-line plain scalar after a syntax error no longer shifts later locations up', async () => {
    const file = files.write('drift.yaml', '- a\nb: c\n  d\ne: f\n');
    expect(await loadProblems(file)).toContain(`${file}:4:1: YAML syntax error: Unexpected scalar token in YAML stream: "e"`);
  });

  it('featureSets as a mapping is bad input, not an internal error', async () => {
    const file = files.write('sets-map.yaml', 'name: x\nfeatureSets: {}\n');
    expect(await loadProblems(file)).toEqual([`${file}:2:14: featureSets: expected a list (got a mapping)`]);
  });

  it('a key with a line break is quoted with escapes, so the problem stays one line', async () => {
    const file = files.write('odd-key.yaml', 'name: x\n"a\\nb\\u001b": 1\n');
    const [line = ''] = await loadProblems(file);
    expect(line.startsWith(`${file}:2:1: ["a\\nb\\u001b"]: unknown field "a\\nb\\u001b"; allowed here: name, `), line).toBe(true);
  });

  it('a --set flag holding a line break is named quoted, on one line', async () => {
    const file = files.write('set-newline.yaml', 'name: x\n');
    expect(await loadProblems(file, { sets: ['cascade.replicas=[1,\n2]'] })).toEqual([
      '--set "cascade.replicas=[1,\\n2]": cascade.replicas: expected an integer (got a list)',
    ]);
  });

  it('a control character in a --set path is escaped', async () => {
    const file = files.write('set-nul.yaml', 'name: x\n');
    expect(await loadProblems(file, { sets: ['\u0000.=0'] })).toEqual(['--set "\\u0000.=0": bad path "\\u0000.": expected dotted names like cascade.local.ttl']);
  });

  it('a YAML error quoting a carriage return stays on one line', async () => {
    const file = files.write('set-cr.yaml', 'name: x\n');
    const [line = ''] = await loadProblems(file, { sets: ['codec.format=|\r'] });
    expect(line).toMatch(/^--set "codec\.format=\|\\r": the value is not valid YAML: .*\\r/);
  });

  it('a matrix set by --set is located at the flag, and its variant label is escaped', async () => {
    const file = files.write('set-matrix.yaml', 'name: x\n');
    expect(await loadProblems(file, { sets: ['matrix.codec.format=[msgpack, "a\\u0000"]'] })).toEqual([
      '--set matrix.codec.format=[msgpack, "a\\u0000"]: codec.format: must be one of json, msgpack, tensor (got "a\\u0000") (in variant "codec.format=a\\u0000")',
    ]);
  });

  it('a YAML tag in a --set value or an interpolated default prints no warning of its own', async () => {
    const file = files.write('tags.yaml', 'name: ${NAME:-!odd x}\n');
    expect(await warningsDuring(() => loadScenario(file, { env: {}, sets: ['description=!custom text'] }))).toEqual([]);
  });
});
