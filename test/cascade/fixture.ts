import { afterAll, beforeAll } from 'vitest';
import type { Redis } from 'ioredis';
import { createCascade, type Cascade } from '../../src/cascade/cascade.js';
import type { Clock, FakeClock } from '../../src/cascade/clock.js';
import type { CascadeOptions, FeatureSetOptions } from '../../src/cascade/options.js';
import { createSimulatedSource, type SimulatedSource, type SimulatedSourceOptions } from '../../src/cascade/simulated-source.js';
import type { Source } from '../../src/cascade/source.js';
import { createPayloadGenerator } from '../../src/workload/payload.js';
import { createRng } from '../../src/workload/rng.js';

export const SPEC = { floats: 8, ints: 2, strings: 1, embedding: 0 };
export const payload = createPayloadGenerator(SPEC);

let prefixCounter = 0;
/** A key prefix no other test in this file uses, so tests sharing one Redis never see each other's keys. */
export function freshPrefix(): string {
  prefixCounter++;
  return `t${process.pid}x${prefixCounter}`;
}

export function featureSet(overrides: Partial<FeatureSetOptions> = {}): FeatureSetOptions {
  return { name: 'credit', version: 'v1', ttl: { hardMs: 60_000 }, ...overrides };
}

export function cascadeOptions(overrides: Partial<CascadeOptions> = {}): CascadeOptions {
  return {
    featureSets: [featureSet()],
    codec: { format: 'msgpack', compression: 'none', compressAboveBytes: 0 },
    local: { enabled: true, maxEntries: 1000, ttlMs: 30_000 },
    redis: { keyPrefix: freshPrefix() },
    stampede: { strategy: 'single-flight' },
    failurePolicy: 'serve-stale',
    ...overrides,
  };
}

export function simulatedSource(clock: Clock, overrides: Partial<SimulatedSourceOptions> = {}, seed = 7): SimulatedSource {
  return createSimulatedSource(
    { latency: { fixedMs: 0 }, concurrency: 1000, errorRate: 0, timeoutMs: 60_000, versions: { credit: 'v1', risk: 'v1' }, ...overrides },
    { clock, rng: createRng(seed).fork('source'), payload },
  );
}

export function replica(options: CascadeOptions, deps: { redis: Redis | null; source: Source; clock: Clock; replicaId?: number; seed?: number }): Cascade {
  return createCascade(options, {
    redis: deps.redis,
    source: deps.source,
    clock: deps.clock,
    rng: createRng(deps.seed ?? 42),
    replicaId: deps.replicaId ?? 0,
  });
}

/** Waits (real time, bounded) for a condition the code under test reaches by itself: a guard against hangs, not a timing assertion. */
export async function until(condition: () => boolean, what: string, limitMs = 15_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/**
 * Moves a fake clock forward in `stepMs` steps, one at a time, letting real I/O (Redis) run in
 * between, until `condition` holds. Bounded, so a bug shows as a failure rather than a hang.
 */
export async function driveClock(clock: FakeClock, stepMs: number, condition: () => boolean, what: string, maxSteps = 2000): Promise<void> {
  for (let step = 0; !condition(); step++) {
    if (step >= maxSteps) throw new Error(`fake clock moved ${maxSteps} steps without ${what}`);
    await clock.advanceMs(stepMs);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** Whether a get returned synchronously (a value, not a promise or thenable). */
export function isThenable(value: unknown): boolean {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** Collects unhandled rejections for the whole file; tests assert the list stays empty. */
export function watchUnhandledRejections(): unknown[] {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => seen.push(reason);
  beforeAll(() => {
    process.on('unhandledRejection', listener);
  });
  afterAll(() => {
    process.off('unhandledRejection', listener);
  });
  return seen;
}

/** Settles a promise into a result object, never throwing. */
export async function outcomeOf<T>(promise: T | Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}
