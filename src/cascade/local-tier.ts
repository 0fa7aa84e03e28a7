import { LRUCache } from 'lru-cache';
import type { CachedValue } from './cached-value.js';
import type { CascadeCore, SetState } from './core.js';
import type { ResolvedCascadeOptions } from './options.js';

/**
 * The local tier: one lru-cache per feature set, keyed by entity so a hit needs no key string
 * built or hashed. Entries are decoded values (no decode on a hit). An entry past its local TTL
 * stays in the LRU as the replica's held (last-known) value, served stale only by the failure
 * policy and `swr`, until the LRU evicts it or its hard TTL passes. A disabled tier keeps nothing:
 * holding a copy of every value read would be a local cache in all but name, and replacing
 * retained values on every Redis hit cost 40% of Redis-hit throughput in old-generation GC
 * (bench/cascade.ts). Budgets are split evenly between feature sets.
 */
export function createSetLru(local: ResolvedCascadeOptions['local'], sets: number): LRUCache<string, CachedValue> {
  const max = Math.max(1, Math.ceil(local.maxEntries / sets));
  if (local.maxBytes > 0) {
    return new LRUCache<string, CachedValue>({
      max,
      maxSize: Math.max(1, Math.ceil(local.maxBytes / sets)),
      sizeCalculation: (value) => Math.max(1, value.encodedBytes),
    });
  }
  return new LRUCache<string, CachedValue>({ max });
}

/** Puts a value in the local tier, served from it for the local TTL but never past its hard TTL. */
export function storeLocal(core: CascadeCore, set: SetState, value: CachedValue): void {
  if (!core.options.local.enabled) return;
  const now = core.now();
  if (now >= value.hardExpiresAtMs) return;
  value.freshUntilMs = Math.min(now + core.options.local.ttlMs, value.hardExpiresAtMs);
  set.lru.set(value.entity, value);
}

/** The value this replica holds for `entity`, if within its hard TTL (a hard-expired one is dropped). */
export function heldValue(core: CascadeCore, set: SetState, entity: string): CachedValue | undefined {
  // Without a local tier nothing is held; lru-cache's peek makes an options object per call.
  if (!core.options.local.enabled) return undefined;
  const held = set.lru.peek(entity);
  if (held === undefined) return undefined;
  if (core.now() >= held.hardExpiresAtMs) {
    set.lru.delete(entity);
    return undefined;
  }
  return held;
}
