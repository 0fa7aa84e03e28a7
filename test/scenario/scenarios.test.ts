import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenarioSchemaText } from '../../src/cli/schema.js';
import { scenarioJsonSchema } from '../../src/scenario/json-schema.js';
import { loadScenario } from '../../src/scenario/load.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SCENARIOS = join(ROOT, 'scenarios');
const files = readdirSync(SCENARIOS).filter((name) => name.endsWith('.yaml'));

describe('the example scenarios', () => {
  it('are all there', () => {
    expect(files.sort()).toEqual(['capacity-planning.yaml', 'codec-shootout.yaml', 'consistency.yaml', 'deploy-warming.yaml', 'feast-layout.yaml', 'hot-keys-cluster.yaml', 'http-replicas.yaml', 'libraries.yaml', 'postgres-source.yaml', 'quickstart.yaml', 'stampede.yaml', 'ttl-policies.yaml']);
  });

  it.each(files)('%s validates and points editors at the schema', async (name) => {
    const text = readFileSync(join(SCENARIOS, name), 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../scenario.schema.json');
    const loaded = await loadScenario(join(SCENARIOS, name), { env: {} });
    expect(loaded.variants.length).toBeGreaterThan(0);
    for (const variant of loaded.variants) expect(variant.scenario.name).toBe(name.replace('.yaml', ''));
  });

  it('quickstart is short, open loop, and shows the main features', async () => {
    const [variant, ...others] = (await loadScenario(join(SCENARIOS, 'quickstart.yaml'), { env: {} })).variants;
    expect(others).toHaveLength(0);
    const s = variant!.scenario;
    expect(s.duration + (typeof s.warmup === 'number' ? s.warmup : 0)).toBeLessThanOrEqual(15_000);
    expect(s.load).toMatchObject({ mode: 'open', rate: 2000 });
    expect(s.keys).toMatchObject({ entities: 100_000, distribution: { kind: 'zipf', exponent: 1.1 } });
    expect(s.codec.format).toBe('msgpack');
    expect(s.cascade.replicas).toBe(2);
    expect(s.events.map((e) => e.kind)).toContain('expire-hot');
    expect(Object.keys(s.thresholds).length).toBeGreaterThanOrEqual(2);
  });

  it('http-replicas drives two replica processes over HTTP with the open driver', async () => {
    const [variant] = (await loadScenario(join(SCENARIOS, 'http-replicas.yaml'), { env: {} })).variants;
    const s = variant!.scenario;
    expect(s.load).toMatchObject({ mode: 'http', target: 'builtin', driver: 'open', rate: 2000 });
    expect(s.cascade.replicas).toBe(2);
    expect(s.events.map((e) => e.kind)).toContain('expire-hot');
  });

  it('matrix scenarios expand to the documented variants', async () => {
    const count = async (name: string) => (await loadScenario(join(SCENARIOS, name), { env: {} })).variants.length;
    expect(await count('codec-shootout.yaml')).toBe(15);
    expect(await count('ttl-policies.yaml')).toBe(4);
    expect(await count('stampede.yaml')).toBe(4);
    expect(await count('deploy-warming.yaml')).toBe(6);
  });

  it('capacity-planning projects costs to production traffic', async () => {
    const s = (await loadScenario(join(SCENARIOS, 'capacity-planning.yaml'), { env: {} })).variants[0]!.scenario;
    expect(s.cost.productionRps).toBe(20_000);
    expect(s.duration).toBeGreaterThanOrEqual(60_000);
  });
});

describe('scenario.schema.json', () => {
  it('is in sync with the zod schema (regenerate with `npm run schema`)', () => {
    const committed = readFileSync(join(ROOT, 'scenario.schema.json'), 'utf8');
    expect(JSON.parse(committed), 'scenario.schema.json is stale: run `npm run schema` and commit it').toEqual(scenarioJsonSchema());
    expect(committed, 'scenario.schema.json is not formatted as `fcbench schema` prints it: run `npm run schema`').toBe(scenarioSchemaText());
  });

  it('closes every object and shows unit fields as text with patterns', () => {
    const schema = scenarioJsonSchema() as { properties: Record<string, { default?: unknown; anyOf?: Array<{ pattern?: string }> }> };
    const open: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (typeof node !== 'object' || node === null) return;
      const record = node as Record<string, unknown>;
      if (record['type'] === 'object' && record['properties'] !== undefined && record['additionalProperties'] !== false) open.push(path);
      for (const [key, value] of Object.entries(record)) walk(value, `${path}/${key}`);
    };
    walk(schema, '');
    expect(open).toEqual([]);
    expect(schema.properties['duration']?.default).toBe('30s');
    const pattern = new RegExp(schema.properties['duration']?.anyOf?.[0]?.pattern ?? '^$');
    for (const ok of ['250us', '250µs', '20ms', '5s', '1.5m', '1h']) expect(ok).toMatch(pattern);
    for (const bad of ['5', '5 sec', 'abc']) expect(bad).not.toMatch(pattern);
  });
});
