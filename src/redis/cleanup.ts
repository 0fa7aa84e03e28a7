import { dataNodes, type RedisClient } from './client.js';
import { unlinkKeys } from './slots.js';

/**
 * Calls `onKeys` with each SCAN batch of keys under `prefix:` (SCAN, never KEYS: a big shared Redis
 * is not blocked), on every master of a cluster: a SCAN sees only the node it is sent to.
 */
async function scanPrefix(client: RedisClient, prefix: string, batch: number, onKeys: (keys: string[]) => Promise<void> | void): Promise<void> {
  const pattern = `${escapeGlob(prefix)}:*`;
  for (const node of dataNodes(client)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', batch);
      cursor = next;
      if (keys.length > 0) await onKeys(keys);
    } while (cursor !== '0');
  }
}

/**
 * Deletes every key under `prefix:` with SCAN + UNLINK, never a whole-database flush, so a shared
 * Redis keeps everything that is not ours. Returns how many keys were deleted.
 */
export async function deleteByPrefix(client: RedisClient, prefix: string, batch = 500): Promise<number> {
  let deleted = 0;
  await scanPrefix(client, prefix, batch, async (keys) => {
    deleted += await unlinkKeys(client, keys);
  });
  return deleted;
}

/** Counts keys under `prefix:`. */
export async function countByPrefix(client: RedisClient, prefix: string, batch = 1000): Promise<number> {
  let count = 0;
  await scanPrefix(client, prefix, batch, (keys) => {
    count += keys.length;
  });
  return count;
}

/** Samples up to `sample` keys under the prefix (spread over a cluster's masters) and returns their mean MEMORY USAGE in bytes (0 when none). */
export async function meanBytesPerKey(client: RedisClient, prefix: string, sample = 200): Promise<number> {
  const nodes = dataNodes(client);
  const perNode = Math.ceil(sample / nodes.length);
  let total = 0;
  let counted = 0;
  for (const node of nodes) {
    const [, keys] = await node.scan('0', 'MATCH', `${escapeGlob(prefix)}:*`, 'COUNT', Math.max(perNode * 5, 1000));
    for (const key of keys.slice(0, perNode)) {
      const bytes = (await node.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) as number | null;
      if (typeof bytes === 'number') {
        total += bytes;
        counted++;
      }
    }
  }
  return counted === 0 ? 0 : total / counted;
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/**
 * Deletes exactly `keys` (UNLINK, `batch` per command): a shared-layout run's cleanup, which must
 * leave every key under the shared prefix that it did not write. Returns how many were deleted.
 */
export async function deleteKeys(client: RedisClient, keys: Iterable<string>, batch = 500): Promise<number> {
  let deleted = 0;
  let chunk: string[] = [];
  for (const key of keys) {
    chunk.push(key);
    if (chunk.length === batch) {
      deleted += await unlinkKeys(client, chunk);
      chunk = [];
    }
  }
  deleted += await unlinkKeys(client, chunk);
  return deleted;
}
