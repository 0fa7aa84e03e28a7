import type { Redis } from 'ioredis';

/** Calls `onKeys` with each SCAN batch of keys under `prefix:` (SCAN, never KEYS: a big shared Redis is not blocked). */
async function scanPrefix(client: Redis, prefix: string, batch: number, onKeys: (keys: string[]) => Promise<void> | void): Promise<void> {
  const pattern = `${escapeGlob(prefix)}:*`;
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', batch);
    cursor = next;
    if (keys.length > 0) await onKeys(keys);
  } while (cursor !== '0');
}

/**
 * Deletes every key under `prefix:` with SCAN + UNLINK, never a whole-database flush, so a shared
 * Redis keeps everything that is not ours. Returns how many keys were deleted.
 */
export async function deleteByPrefix(client: Redis, prefix: string, batch = 500): Promise<number> {
  let deleted = 0;
  await scanPrefix(client, prefix, batch, async (keys) => {
    deleted += await client.unlink(...keys);
  });
  return deleted;
}

/** Counts keys under `prefix:`. */
export async function countByPrefix(client: Redis, prefix: string, batch = 1000): Promise<number> {
  let count = 0;
  await scanPrefix(client, prefix, batch, (keys) => {
    count += keys.length;
  });
  return count;
}

/** Samples up to `sample` keys under the prefix and returns their mean MEMORY USAGE in bytes (0 when none). */
export async function meanBytesPerKey(client: Redis, prefix: string, sample = 200): Promise<number> {
  const [, keys] = await client.scan('0', 'MATCH', `${escapeGlob(prefix)}:*`, 'COUNT', Math.max(sample * 5, 1000));
  const picked = keys.slice(0, sample);
  if (picked.length === 0) return 0;
  let total = 0;
  let counted = 0;
  for (const key of picked) {
    const bytes = (await client.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) as number | null;
    if (typeof bytes === 'number') {
      total += bytes;
      counted++;
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
export async function deleteKeys(client: Redis, keys: Iterable<string>, batch = 500): Promise<number> {
  let deleted = 0;
  let chunk: string[] = [];
  for (const key of keys) {
    chunk.push(key);
    if (chunk.length === batch) {
      deleted += await client.unlink(...chunk);
      chunk = [];
    }
  }
  if (chunk.length > 0) deleted += await client.unlink(...chunk);
  return deleted;
}
