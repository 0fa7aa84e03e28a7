import type * as z from 'zod';

/**
 * What `cascade.layout: feast` cannot hold, refused at validation (exit 2, file:line:field). Feast's
 * hash has no fcbench envelope: no version (versioned keys, batch publish and rollback), no soft
 * expiry (soft TTL, swr, XFetch's early refresh, expire-hot `expiry: soft`), and its values are
 * ValueProto bytes, not the codec's (tensor, compression). What is not wired yet for it: HTTP
 * replica processes, other cascade implementations, local invalidation by key name.
 * Runs even when other fields failed, so it reads its input defensively.
 */
export function checkFeastLayout(scenario: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const cascade = scenario['cascade'] as
    | { layout?: unknown; feast?: unknown; implementation?: unknown; redis?: { cluster?: unknown }; local?: { invalidation?: unknown } }
    | undefined;
  const issue = (path: (string | number)[], input: unknown, message: string) => ctx.addIssue({ code: 'custom', path, input, message });
  if (cascade?.layout !== 'feast') {
    if (cascade?.feast !== undefined) issue(['cascade', 'feast'], cascade.feast, 'applies only with cascade.layout: feast');
    return;
  }
  const refuse = (path: (string | number)[], input: unknown, why: string) => issue(path, input, `not supported with cascade.layout feast: ${why}`);
  if (typeof cascade.implementation === 'string' && cascade.implementation !== 'fcbench') {
    refuse(['cascade', 'implementation'], cascade.implementation, "the layout is fcbench's own Redis tier; another implementation keeps its own");
  }
  const invalidation = cascade.local?.invalidation;
  if (invalidation === 'pubsub' || invalidation === 'tracking') refuse(['cascade', 'local', 'invalidation'], invalidation, 'invalidations name fcbench keys; use ttl');
  const codec = scenario['codec'] as { format?: unknown; compression?: unknown } | undefined;
  if (codec?.format === 'tensor') refuse(['codec', 'format'], codec.format, 'Feast values are ValueProto bytes (codec.format json and msgpack are ignored)');
  if (typeof codec?.compression === 'string' && codec.compression !== 'none') refuse(['codec', 'compression'], codec.compression, 'Feast values are uncompressed ValueProto bytes');
  if ((scenario['load'] as { mode?: unknown } | undefined)?.mode === 'http') refuse(['load', 'mode'], 'http', 'HTTP replica processes are not wired for it yet; use open or closed');
  if ((scenario['stampede'] as { strategy?: unknown } | undefined)?.strategy === 'swr') {
    refuse(['stampede', 'strategy'], 'swr', 'swr serves past a soft expiry, which a Feast hash does not hold; use single-flight or redis-lock');
  }
  const sets = Array.isArray(scenario['featureSets']) ? (scenario['featureSets'] as { ttl?: { soft?: unknown; earlyRefresh?: unknown } }[]) : [];
  sets.forEach((set, index) => {
    if (set?.ttl?.soft !== undefined) refuse(['featureSets', index, 'ttl', 'soft'], set.ttl.soft, 'a Feast hash holds no soft expiry (fcbench keeps it in its envelope)');
    if (set?.ttl?.earlyRefresh !== undefined) refuse(['featureSets', index, 'ttl', 'earlyRefresh'], set.ttl.earlyRefresh, "XFetch needs the value's expiry, which a Feast hash does not hold");
  });
  const events = Array.isArray(scenario['events']) ? (scenario['events'] as { kind?: unknown; expiry?: unknown }[]) : [];
  events.forEach((event, index) => {
    if (event?.kind === 'batch-publish' || event?.kind === 'batch-rollback') refuse(['events', index, 'kind'], event.kind, 'Feast keys carry no snapshot version');
    if (event?.kind === 'expire-hot' && event.expiry === 'soft') refuse(['events', index, 'expiry'], event.expiry, 'a Feast hash holds no soft expiry; use expiry: hard');
  });
}
