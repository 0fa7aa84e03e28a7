import type { Rng } from '../workload/types.js';

export type RoutingKind = 'random' | 'affinity' | 'round-robin';

/** Picks the serving replica for a request, as a load balancer in front of the replicas would. */
export type Router = (entity: string) => number;

/**
 * `random`: uniform per request (seeded); `round-robin`: in turn; `affinity`: sticky by entity
 * (FNV-1a hash), so each replica's local LRU sees a disjoint slice of the key space.
 */
export function createRouter(kind: RoutingKind, replicas: number, rng: Rng): Router {
  if (replicas <= 1) return () => 0;
  switch (kind) {
    case 'random':
      return () => Math.floor(rng.next() * replicas);
    case 'round-robin': {
      let next = 0;
      return () => {
        const replica = next;
        next = next + 1 === replicas ? 0 : next + 1;
        return replica;
      };
    }
    case 'affinity':
      return (entity) => fnv1a(entity) % replicas;
  }
}

/** 32-bit FNV-1a over UTF-16 code units: stable across machines and runs. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
