import type { LoadedResult } from '../../src/compare/pair-variants.js';
import type { ResultDocument } from '../../src/results/result-types.js';
import { makeResult, type FixtureOptions } from '../report/fixture.js';

/**
 * Result documents for compare tests: the report fixture (real HDR histograms) with chosen values
 * written at dotted paths. One base document per option set is built once and cloned, so tests
 * with dozens of trials stay fast.
 */
const cache = new Map<string, ResultDocument>();

function base(options: FixtureOptions): ResultDocument {
  const key = JSON.stringify(options);
  if (!cache.has(key)) cache.set(key, makeResult({ requests: 3000, ...options }));
  return structuredClone(cache.get(key)!);
}

export function setPath(doc: object, path: string, value: unknown): void {
  const segments = path.split('.');
  let node = doc as Record<string, unknown>;
  for (const segment of segments.slice(0, -1)) node = node[segment] as Record<string, unknown>;
  node[segments.at(-1)!] = value;
}

export function synthetic(values: Readonly<Record<string, unknown>> = {}, options: FixtureOptions = {}, file = 'r.json'): LoadedResult {
  const result = base(options);
  for (const [path, value] of Object.entries(values)) setPath(result, path, value);
  return { file, result };
}

/** mulberry32: seeded, for synthetic noise (tests never use Math.random). */
export function seededNormal(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(Math.max(uniform(), 1e-12))) * Math.cos(2 * Math.PI * uniform());
}
