import type * as z from 'zod';

/**
 * What a Redis Cluster target (`cascade.redis.cluster`) cannot do yet, refused at validation so a
 * run never finds out mid-load:
 * - `cascade.local.invalidation: tracking`: CLIENT TRACKING redirects invalidations per node, and
 *   a replica's keys live on every master;
 * - `redis-pause`: fcbench pauses only a redis-server it started itself, and never a cluster.
 * Runs even when other fields failed, so it reads its input defensively.
 */
export function checkClusterTarget(cascade: unknown, events: unknown, ctx: z.RefinementCtx): void {
  const c = cascade as { redis?: { cluster?: unknown }; local?: { invalidation?: unknown } } | undefined;
  if (!Array.isArray(c?.redis?.cluster)) return;
  const issue = (path: (string | number)[], input: unknown, message: string) => ctx.addIssue({ code: 'custom', path, input, message });
  if (c.local?.invalidation === 'tracking') {
    issue(['cascade', 'local', 'invalidation'], 'tracking', 'tracking is not supported with cascade.redis.cluster (CLIENT TRACKING is per node); use pubsub, which a cluster broadcasts to every node');
  }
  (Array.isArray(events) ? (events as { kind?: unknown }[]) : []).forEach((event, index) => {
    if (event?.kind === 'redis-pause') {
      issue(['events', index, 'kind'], event.kind, 'redis-pause pauses only a redis-server fcbench started itself, never a cluster; stop a node yourself to test failover');
    }
  });
}
