import { describe, expect, it } from 'vitest';
import { FcbenchError } from '../../src/errors.js';
import { resolveCascadeOptions, type CascadeOptions } from '../../src/cascade/options.js';

const base = (): CascadeOptions => ({
  featureSets: [{ name: 'credit', version: 'v7', ttl: { hardMs: 900_000, softMs: 300_000, jitter: 0.15, earlyRefresh: { kind: 'xfetch' } } }],
  codec: { format: 'msgpack', compression: 'zstd', compressAboveBytes: 2048 },
});

describe('resolveCascadeOptions', () => {
  it('applies the documented defaults', () => {
    const resolved = resolveCascadeOptions(base());
    expect(resolved.local).toEqual({ enabled: true, maxEntries: 10_000, maxBytes: 0, ttlMs: 30_000, timingSampleEvery: 64 });
    expect(resolved.keyPrefix).toBe('fcb');
    expect(resolved.stampede).toEqual({ strategy: 'single-flight' });
    expect(resolved.failurePolicy).toBe('serve-stale');
    expect(resolved.featureSets[0]?.ttl).toEqual({ hardMs: 900_000, softMs: 300_000, jitter: 0.15, xfetchBeta: 1 });
    expect(resolveCascadeOptions({ ...base(), stampede: { strategy: 'redis-lock' } }).stampede).toEqual({
      strategy: 'redis-lock', lockTtlMs: 2000, waitMs: 200, pollIntervalMs: 5, onTimeout: 'serve-stale',
    });
  });

  it('never mutates the caller options', () => {
    const options = base();
    const before = JSON.stringify(options);
    const resolved = resolveCascadeOptions(options);
    resolved.codec.level = 9;
    expect(JSON.stringify(options)).toBe(before);
  });

  it.each([
    [{ featureSets: [] }, 'featureSets'],
    [{ featureSets: [{ name: 'a', version: 'v1', ttl: { hardMs: 100, softMs: 100 } }] }, 'soft: must be shorter than hard'],
    [{ featureSets: [{ name: 'a', version: 'v1', ttl: { hardMs: 100, jitter: 1 } }] }, 'jitter'],
    [{ featureSets: [{ name: 'a b', version: 'v1', ttl: { hardMs: 100 } }] }, 'featureSets[0].name'],
    [{ featureSets: [{ name: 'a', version: 'v1', ttl: { hardMs: 100 } }, { name: 'a', version: 'v1', ttl: { hardMs: 100 } }] }, 'duplicate'],
    [{ local: { maxEntries: 0 } }, 'cascade.local.maxEntries'],
    [{ stampede: { strategy: 'mutex' } }, 'stampede.strategy'],
    [{ stampede: { strategy: 'redis-lock', pollIntervalMs: 0 } }, 'stampede.pollInterval'],
    [{ failurePolicy: 'retry' }, 'failurePolicy'],
    [{ redis: { keyPrefix: 'has space' } }, 'cascade.redis.keyPrefix'],
  ])('rejects %j naming the option', (override, path) => {
    const attempt = () => resolveCascadeOptions({ ...base(), ...(override as Partial<CascadeOptions>) });
    expect(attempt).toThrow(FcbenchError);
    expect(attempt).toThrow(path);
  });
});
