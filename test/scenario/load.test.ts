import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { loadProblems, useScenarioDir } from './scenario-files.js';

const files = useScenarioDir();

describe('loadScenario: a valid file', () => {
  it('returns the absolute file, its folder and one unlabelled variant with a hash', async () => {
    const file = files.write('ok.yaml', 'name: ok\nduration: 5s\n');
    const loaded = await loadScenario(file, { env: {} });
    expect(loaded.file).toBe(file);
    expect(loaded.dir).toBe(files.dir);
    expect(loaded.variants).toHaveLength(1);
    const [variant] = loaded.variants;
    expect(variant?.label).toBe('');
    expect(variant?.assignments).toEqual({});
    expect(variant?.scenario.duration).toBe(5000);
    expect(variant?.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('hashes the resolved scenario: key order and spelling of units do not matter, values do', async () => {
    const a = files.write('hash-a.yaml', 'name: h\nduration: 60s\ncodec: { format: json, level: 1 }\n');
    const b = files.write('hash-b.yaml', 'codec: { level: 1, format: json }\nduration: 1m\nname: h\n');
    const c = files.write('hash-c.yaml', 'name: h\nduration: 61s\ncodec: { format: json, level: 1 }\n');
    const [ha, hb, hc] = await Promise.all([a, b, c].map(async (f) => (await loadScenario(f, { env: {} })).variants[0]?.hash));
    expect(ha).toBe(hb);
    expect(hc).not.toBe(ha);
  });

  it('accepts a trace distribution whose file exists, relative to the scenario folder', async () => {
    writeFileSync(join(files.dir, 'keys.trace'), '1\n2\n');
    const file = files.write('trace.yaml', 'name: t\nkeys: { distribution: { kind: trace, file: keys.trace } }\n');
    const loaded = await loadScenario(file, { env: {} });
    expect(loaded.variants[0]?.scenario.keys.distribution).toEqual({ kind: 'trace', file: 'keys.trace', loop: true });
  });

  it('supports YAML anchors and merge keys', async () => {
    const file = files.write('anchors.yaml', 'name: a\nfeatureSets:\n  - &base { name: one, ttl: { hard: 5m } }\n  - { <<: *base, name: two }\n');
    const sets = (await loadScenario(file, { env: {} })).variants[0]?.scenario.featureSets;
    expect(sets?.map((s) => [s.name, s.ttl.hard])).toEqual([
      ['one', 300_000],
      ['two', 300_000],
    ]);
  });
});

describe('loadScenario: ${VAR} interpolation', () => {
  it('substitutes variables and defaults; unquoted results are typed, quoted ones stay strings', async () => {
    const file = files.write(
      'env.yaml',
      ['name: "${NAME}-run"', 'cascade:', '  replicas: ${REPLICAS:-2}', '  redis: { url: "${REDIS_URL:-auto}" }', 'description: ${EMPTY:-fallback}', ''].join('\n'),
    );
    const loaded = await loadScenario(file, { env: { NAME: 'nightly', EMPTY: '' } });
    const s = loaded.variants[0]?.scenario;
    expect(s?.name).toBe('nightly-run');
    expect(s?.cascade.replicas).toBe(2);
    expect(s?.cascade.redis.url).toBe('auto');
    expect(s?.description).toBe('fallback');
  });

  it('keeps $${ as a literal ${', async () => {
    const file = files.write('literal.yaml', 'name: x\ndescription: "cost in $${CURRENCY}"\n');
    expect((await loadScenario(file, { env: {} })).variants[0]?.scenario.description).toBe('cost in ${CURRENCY}');
  });

  it('a quoted interpolation stays a string, so a number field refuses it', async () => {
    const file = files.write('quoted.yaml', 'name: x\ncascade:\n  replicas: "${REPLICAS:-2}"\n');
    expect(await loadProblems(file, { env: {} })).toEqual([`${file}:3:13: cascade.replicas: expected an integer (got "2")`]);
  });

  it('reports every missing variable at its own line', async () => {
    const file = files.write('missing-env.yaml', 'name: ${RUN_NAME}\ncascade:\n  redis:\n    url: redis://${REDIS_HOST}:${REDIS_PORT}\n');
    expect(await loadProblems(file, { env: { REDIS_PORT: '6379' } })).toEqual([
      `${file}:1:7: name: environment variable RUN_NAME is not set (write \${RUN_NAME:-default} to give a default)`,
      `${file}:4:10: cascade.redis.url: environment variable REDIS_HOST is not set (write \${REDIS_HOST:-default} to give a default)`,
    ]);
  });

  it('reports malformed references', async () => {
    const file = files.write('bad-ref.yaml', 'name: "${1BAD}"\ndescription: "${OPEN"\n');
    expect(await loadProblems(file, { env: {} })).toEqual([
      `${file}:1:7: name: bad reference "\${1BAD}": expected \${NAME} or \${NAME:-default} (no nesting)`,
      `${file}:2:14: description: unclosed "\${" (write $\${ for a literal "\${")`,
    ]);
  });
});

describe('loadScenario: --set, --seed, --duration', () => {
  const base = ['name: base', 'seed: 1', 'featureSets:', '  - name: a', '    ttl: { hard: 15m, soft: 5m }', 'thresholds:', '  requests.errors: "== 0"', ''].join('\n');

  it('overrides scalars, objects, list items and record keys; values are YAML', async () => {
    const file = files.write('set.yaml', base);
    const sets = [
      'cascade.replicas=4',
      'cascade.source={ kind: simulated, latency: { fixed: 2ms } }',
      'featureSets[0].ttl.hard=30m',
      'featureSets.0.payload.embedding=16',
      'thresholds.latency.endToEnd.p99=< 20ms',
      'codec.compressAbove=1KB',
    ];
    const original = [...sets];
    const s = (await loadScenario(file, { sets, env: {} })).variants[0]?.scenario;
    expect(s?.cascade.replicas).toBe(4);
    expect(s?.cascade.source.latency).toEqual({ fixed: 2 });
    expect(s?.featureSets[0]?.ttl).toMatchObject({ hard: 1_800_000, soft: 300_000 });
    expect(s?.featureSets[0]?.payload.embedding).toBe(16);
    expect(s?.thresholds).toEqual({ 'requests.errors': '== 0', 'latency.endToEnd.p99': '< 20ms' });
    expect(s?.codec.compressAbove).toBe(1024);
    expect(sets).toEqual(original);
  });

  it('null removes a field so its default applies; later flags win', async () => {
    const file = files.write('set-null.yaml', base);
    const s = (await loadScenario(file, { sets: ['featureSets.0.ttl.soft=null', 'cascade.replicas=2', 'cascade.replicas=3'], env: {} })).variants[0]?.scenario;
    expect(s?.featureSets[0]?.ttl.soft).toBeUndefined();
    expect(s?.cascade.replicas).toBe(3);
  });

  it('an empty value is the empty string', async () => {
    const file = files.write('set-empty.yaml', base);
    expect((await loadScenario(file, { sets: ['description='], env: {} })).variants[0]?.scenario.description).toBe('');
  });

  it('--seed and --duration replace seed and duration', async () => {
    const file = files.write('seed.yaml', base);
    const s = (await loadScenario(file, { seed: 99, duration: '2m', env: {} })).variants[0]?.scenario;
    expect(s?.seed).toBe(99);
    expect(s?.duration).toBe(120_000);
  });
});

describe('loadScenario: matrix', () => {
  const matrixFile = () =>
    files.write(
      'matrix.yaml',
      ['name: m', 'codec: { compressAbove: 1KB }', 'matrix:', '  codec.format: [json, msgpack]', '  codec.compression: [none, zstd]', ''].join('\n'),
    );

  it('expands the cartesian product, first axis slowest, with labels and assignments', async () => {
    const loaded = await loadScenario(matrixFile(), { env: {} });
    expect(loaded.variants.map((v) => v.label)).toEqual([
      'codec.format=json,codec.compression=none',
      'codec.format=json,codec.compression=zstd',
      'codec.format=msgpack,codec.compression=none',
      'codec.format=msgpack,codec.compression=zstd',
    ]);
    expect(loaded.variants[1]?.assignments).toEqual({ 'codec.format': 'json', 'codec.compression': 'zstd' });
    expect(loaded.variants[1]?.scenario.codec).toEqual({ format: 'json', compression: 'zstd', compressAbove: 1024, level: 1, dtype: 'float32' });
    expect(loaded.variants.every((v) => Object.keys(v.scenario.matrix).length === 0)).toBe(true);
    expect(new Set(loaded.variants.map((v) => v.hash)).size).toBe(4);
  });

  it('a path through a default that is not in the file creates only what it names', async () => {
    const file = files.write('matrix-no-sets.yaml', 'name: t\nmatrix:\n  featureSets.0.ttl: [{ hard: 60s }]\n');
    expect(await loadProblems(file, { env: {} })).toEqual([`${file}:3:23: featureSets[0].name: required (a feature set name)`]);
  });

  it('labels object values compactly and applies them whole', async () => {
    const file = files.write('matrix-ttl.yaml', 'name: t\nfeatureSets: [{ name: a }]\nmatrix:\n  featureSets.0.ttl:\n    - { hard: 60s }\n    - { hard: 60s, soft: 30s }\n');
    const loaded = await loadScenario(file, { env: {} });
    expect(loaded.variants.map((v) => v.label)).toEqual(['featureSets.0.ttl={hard:60s}', 'featureSets.0.ttl={hard:60s,soft:30s}']);
    expect(loaded.variants[1]?.scenario.featureSets[0]?.ttl).toEqual({ hard: 60_000, soft: 30_000, jitter: 0 });
  });

  it('--set on an axis path pins it; --set matrix.<axis> narrows it', async () => {
    const pinned = await loadScenario(matrixFile(), { sets: ['codec.format=json'], env: {} });
    expect(pinned.variants.map((v) => v.label)).toEqual(['codec.compression=none', 'codec.compression=zstd']);
    expect(pinned.variants.every((v) => v.scenario.codec.format === 'json')).toBe(true);
    const narrowed = await loadScenario(matrixFile(), { sets: ['matrix.codec.compression=[lz4]'], env: {} });
    expect(narrowed.variants.map((v) => v.label)).toEqual(['codec.format=json,codec.compression=lz4', 'codec.format=msgpack,codec.compression=lz4']);
    const off = await loadScenario(matrixFile(), { sets: ['matrix={}'], env: {} });
    expect(off.variants.map((v) => v.label)).toEqual(['']);
  });

  it('a value that is bad in some variants is located at the matrix value and names the variant', async () => {
    const file = files.write('matrix-bad.yaml', 'name: m\nmatrix:\n  codec.compression: [none, brotli]\n  codec.format: [json, msgpack]\n');
    expect(await loadProblems(file, { env: {} })).toEqual([
      `${file}:3:29: codec.compression: must be one of none, deflate, gzip, zstd, lz4 (got "brotli") (in variant codec.compression=brotli,codec.format=json and 1 more)`,
    ]);
  });

  it('reports an unknown axis path, duplicate values, a matrix of the matrix and an empty axis', async () => {
    const file = files.write('matrix-shape.yaml', 'name: m\nmatrix:\n  codec.formt: [json]\n  codec.level: [1, 1]\n  matrix.x: [1]\n  seed: []\n');
    expect(await loadProblems(file, { env: {} })).toEqual([`${file}:6:9: matrix.seed: needs at least one value`]);
    const fixed = files.write('matrix-shape2.yaml', 'name: m\nmatrix:\n  codec.formt: [json]\n  codec.level: [1, 1]\n  matrix.x: [1]\n');
    expect(await loadProblems(fixed, { env: {} })).toEqual([
      `${fixed}:4:20: matrix["codec.level"][1]: duplicate value 1 (also item 0)`,
      `${fixed}:5:3: matrix["matrix.x"]: a matrix cannot vary the matrix itself`,
    ]);
    const unknown = files.write('matrix-shape3.yaml', 'name: m\nmatrix:\n  codec.formt: [json]\n');
    expect(await loadProblems(unknown, { env: {} })).toEqual([`${unknown}:3:17: codec.formt: unknown field "formt"; did you mean "format"?`]);
  });

  it('refuses a matrix that explodes', async () => {
    const values = `[${Array.from({ length: 20 }, (_, i) => i + 1).join(', ')}]`;
    const file = files.write('matrix-big.yaml', `name: m\nmatrix:\n  seed: ${values}\n  cascade.replicas: ${values}\n`);
    expect(await loadProblems(file, { env: {} })).toEqual([`${file}:3:3: matrix: expands to 400 variants; at most 256 are allowed`]);
  });
});
