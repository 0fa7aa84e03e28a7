/** What INFO needs of a Redis connection (any node of the run's Redis). */
export interface InfoClient {
  info(section: string): Promise<string>;
}

/** Calls per command (`get`, `set`, `evalsha`, ...), summed over the nodes given, from INFO commandstats. */
export async function commandCalls(nodes: readonly InfoClient[]): Promise<Map<string, number>> {
  const calls = new Map<string, number>();
  for (const node of nodes) {
    for (const match of (await node.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
      calls.set(match[1]!, (calls.get(match[1]!) ?? 0) + Number(match[2]));
    }
  }
  return calls;
}

const FCBENCH_OWN = new Set(['info', 'quit']);

/**
 * Commands sent between two readings, by name, largest first: what the cascade asked of Redis,
 * seen from the server whatever client or library sent it. INFO and QUIT are left out: fcbench's
 * own readings send INFO, and closing the replicas' connections sends QUIT. The other commands of the measured phase's neighbours
 * (a barrier, a warm job) are the caller's to keep outside the two readings.
 */
export function commandDelta(before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>): Record<string, number> {
  const delta: [string, number][] = [];
  for (const [name, count] of after) {
    const sent = count - (before.get(name) ?? 0);
    if (sent > 0 && !FCBENCH_OWN.has(name)) delta.push([name, sent]);
  }
  return Object.fromEntries(delta.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}
