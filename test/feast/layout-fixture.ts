import type { Cluster, Redis } from 'ioredis';
import type { FakeClock } from '../../src/cascade/clock.js';
import type { CascadeOptions } from '../../src/cascade/options.js';
import { createSimulatedSource } from '../../src/cascade/simulated-source.js';
import { feastRedisKey } from '../../src/feast/entity-key.js';
import { featureField } from '../../src/feast/feature-view.js';
import { createPayloadGenerator } from '../../src/workload/payload.js';
import { createRng } from '../../src/workload/rng.js';
import { hex, vectors, type FeastRow } from './vectors.js';

/** Two feature views for cascade.layout feast tests: the fixture's driver_stats and a one-feature risk. */
export const DRIVER = { floats: 2, ints: 1, strings: 1, embedding: 2, stringLength: 6 };
export const RISK = { floats: 1, ints: 0, strings: 0, embedding: 0 };
export const generate = { driver_stats: createPayloadGenerator(DRIVER), risk: createPayloadGenerator(RISK) };
export const VIEW = vectors.hashes.featureView;

export function feastOptions(project: string): CascadeOptions {
  return {
    featureSets: [
      { name: 'driver_stats', version: 'v1', ttl: { hardMs: 60_000 } },
      { name: 'risk', version: 'v1', ttl: { hardMs: 60_000 } },
    ],
    codec: { format: 'msgpack', compression: 'none', compressAboveBytes: 0, layouts: { driver_stats: DRIVER, risk: RISK } },
    local: { enabled: false },
    redis: { keyPrefix: project },
    stampede: { strategy: 'single-flight' },
    failurePolicy: 'serve-stale',
    layout: { kind: 'feast' },
  };
}

export function feastSource(clock: FakeClock) {
  return createSimulatedSource(
    { latency: { fixedMs: 0 }, concurrency: 100, errorRate: 0, timeoutMs: 60_000, versions: { driver_stats: 'v1', risk: 'v1' } },
    { clock, rng: createRng(1).fork('source'), payload: (entity, set, version) => generate[set as keyof typeof generate](entity, set, version) },
  );
}

/** Writes a fixture row as Feast's online_write_batch does: one HSET of every field and `_ts`. */
export async function writeFeastRow(client: Redis | Cluster, project: string, entity: string, row: FeastRow): Promise<void> {
  const args: Buffer[] = [];
  for (const [feature, value] of Object.entries(row.values)) args.push(featureField(VIEW, feature), hex(value.hex));
  args.push(Buffer.from(`_ts:${VIEW}`), hex(row.ts.hex));
  await client.hset(feastRedisKey(project, 'entity_id', entity, 'string'), ...args);
}

