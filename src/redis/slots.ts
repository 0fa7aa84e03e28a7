import calculateSlot from 'cluster-key-slot';
import { isCluster, type RedisClient } from './client.js';

/**
 * Where multi-key commands may go. A single server takes any keys together. A cluster takes an
 * MGET only within one slot, and an ioredis cluster pipeline only within one master's slots; these
 * split a batch accordingly and keep the caller's order. Keys may be binary (Feast's layout):
 * cluster-key-slot hashes a Buffer's bytes as Redis does.
 */

type Key = string | Buffer;

/** Indexes of `keys` per slot (one group on a single server). */
export function bySlot(client: RedisClient, keys: readonly Key[]): number[][] {
  if (!isCluster(client) || keys.length <= 1) return [keys.map((_, i) => i)];
  return group(keys, (key) => calculateSlot(key as string));
}

/** Indexes of `keys` per master serving them (one group on a single server, or before the slot map is known). */
export function byNode(client: RedisClient, keys: readonly Key[]): number[][] {
  if (!isCluster(client) || keys.length <= 1) return [keys.map((_, i) => i)];
  return group(keys, (key) => client.slots[calculateSlot(key as string)]?.[0] ?? '');
}

function group<G>(keys: readonly Key[], groupOf: (key: Key) => G): number[][] {
  const groups = new Map<G, number[]>();
  keys.forEach((key, i) => {
    const g = groupOf(key);
    const members = groups.get(g);
    if (members === undefined) groups.set(g, [i]);
    else members.push(i);
  });
  return [...groups.values()];
}

/** MGET as Buffers, one command per slot on a cluster, answers in the order of `keys`. */
export async function mgetBuffers(client: RedisClient, keys: readonly string[]): Promise<(Buffer | null)[]> {
  const groups = bySlot(client, keys);
  if (groups.length === 1) return client.mgetBuffer(keys as string[]);
  const out: (Buffer | null)[] = new Array(keys.length).fill(null);
  await Promise.all(
    groups.map(async (indexes) => {
      const values = await client.mgetBuffer(indexes.map((i) => keys[i]!));
      indexes.forEach((index, j) => void (out[index] = values[j] ?? null));
    }),
  );
  return out;
}

/** UNLINK, one command per slot on a cluster; returns how many keys were deleted. */
export async function unlinkKeys(client: RedisClient, keys: readonly Key[]): Promise<number> {
  if (keys.length === 0) return 0;
  const counts = await Promise.all(bySlot(client, keys).map((indexes) => client.unlink(...indexes.map((i) => keys[i]!))));
  return counts.reduce((sum, n) => sum + n, 0);
}

type Pipeline = ReturnType<RedisClient['pipeline']>;
type Reply = [Error | null, unknown];

/**
 * Runs one pipelined command per key, a pipeline per master on a cluster (ioredis refuses a
 * pipeline spanning masters), and returns the replies in the order of `keys`. With
 * `commandsPerKey` above 1 (`add` queues that many for its key), a key's reply is its first
 * failed one, else its first.
 */
export async function pipelineByNode(client: RedisClient, keys: readonly Key[], add: (pipeline: Pipeline, index: number) => void, commandsPerKey = 1): Promise<Reply[]> {
  const replies = new Array<Reply>(keys.length);
  await Promise.all(
    byNode(client, keys).map(async (indexes) => {
      const pipeline = client.pipeline();
      for (const index of indexes) add(pipeline, index);
      const answers = (await pipeline.exec()) ?? [];
      indexes.forEach((index, j) => {
        const own = answers.slice(j * commandsPerKey, (j + 1) * commandsPerKey) as Reply[];
        replies[index] = own.find(([error]) => error !== null) ?? own[0] ?? [new Error('no reply'), null];
      });
    }),
  );
  return replies;
}
