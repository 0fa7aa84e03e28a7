import type * as z from 'zod';

/**
 * `stampede.softTtl` (swr) becomes the soft TTL of every feature set without one, so it must be
 * shorter than each such set's hard TTL: checked here, located at the option, with the rest of the
 * scenario. Runs even when other fields failed, so it reads its input defensively.
 */
export function checkSwrSoftTtl(stampede: unknown, featureSets: unknown, ctx: z.RefinementCtx): void {
  const softTtl = (stampede as { strategy?: unknown; softTtl?: unknown } | undefined)?.softTtl;
  if (typeof softTtl !== 'number') return;
  const sets = Array.isArray(featureSets) ? (featureSets as { name?: unknown; ttl?: { hard?: unknown; soft?: unknown } }[]) : [];
  for (const set of sets) {
    const hard = set?.ttl?.hard;
    if (set?.ttl?.soft !== undefined || typeof hard !== 'number' || softTtl < hard) continue;
    ctx.addIssue({
      code: 'custom',
      path: ['stampede', 'softTtl'],
      input: softTtl,
      message: `must be shorter than the hard TTL of feature set ${JSON.stringify(set.name)} (${softTtl} ms >= ${hard} ms), or give that set its own ttl.soft`,
    });
  }
}
