import type { FailurePolicy } from './options.js';

/**
 * The failure policy as data: what a get does when a tier fails. README.md in this folder holds
 * the same table in prose; test/cascade/failure-policy.test.ts keeps the two in step.
 *
 * - `serve-held`: serve the value this replica holds (its LRU entry, even past the local TTL,
 *   never past the hard TTL), marked stale; with nothing held the get fails.
 * - `source`: skip the failed tier and go on to the source, without writing back to Redis.
 * - `fail`: fail the get at once with the tier's error kind.
 */
export type FailureAction = 'serve-held' | 'source' | 'fail';

/** Redis read, lock or poll failed (error or command timeout). */
export function onRedisFailure(policy: FailurePolicy): FailureAction {
  switch (policy) {
    case 'serve-stale':
      // Protect the source: a Redis outage must not turn every request into an origin call.
      return 'serve-held';
    case 'bypass':
      return 'source';
    case 'fail-closed':
      return 'fail';
  }
}

/** The source fetch failed (error or timeout). There is nothing below it to bypass to. */
export function onSourceFailure(policy: FailurePolicy): FailureAction {
  return policy === 'serve-stale' ? 'serve-held' : 'fail';
}
