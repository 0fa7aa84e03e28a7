import type { Redis } from 'ioredis';
import { isCluster, nodeAddress, type RedisClient } from './client.js';

/** One cluster node as the result records it (`redis.nodes`). */
export interface RedisNodeStats {
  address: string;
  /** At the end of the run: a replica promoted by a failover reads `master`; `unreachable` if it did not answer. */
  role: 'master' | 'replica' | 'unreachable';
  /** Keys on the node at the end (DBSIZE: every key there, not only the run's); null when unreachable. */
  keys: number | null;
  /** used_memory at the end, bytes; null when unreachable. */
  usedMemory: number | null;
  /** Commands the node processed from before the measured phase to after it; null when either reading failed. */
  commandsProcessed: number | null;
}

interface Reading {
  role: 'master' | 'replica';
  keys: number;
  usedMemory: number;
  commandsProcessed: number;
}

export type NodeReadings = Map<string, Reading | null>;

/**
 * INFO from every node a cluster client knows (masters and replicas), keyed by address; a node
 * that does not answer within the client's command timeout reads null. Null on a single server:
 * the per-node balance is a cluster question.
 */
export async function readNodes(client: RedisClient): Promise<NodeReadings | null> {
  if (!isCluster(client)) return null;
  const nodes = client.nodes('all');
  const readings = await Promise.all(nodes.map((node) => readNode(node).catch(() => null)));
  return new Map(nodes.map((node, i) => [nodeAddress(node), readings[i] ?? null]));
}

async function readNode(node: Redis): Promise<Reading> {
  const [info, keys] = await Promise.all([node.info(), node.dbsize()]);
  const field = (name: string) => Number(new RegExp(`^${name}:(\\S+)`, 'm').exec(info)?.[1] ?? 0);
  return {
    role: /^role:master/m.test(info) ? 'master' : 'replica',
    keys,
    usedMemory: field('used_memory'),
    commandsProcessed: field('total_commands_processed'),
  };
}

/** Before and after, joined by address: a node seen only before (killed) or only after (joined) is still listed. */
export function nodeStats(before: NodeReadings, after: NodeReadings | null): RedisNodeStats[] {
  const addresses = [...new Set([...before.keys(), ...(after?.keys() ?? [])])].sort();
  return addresses.map((address) => {
    const start = before.get(address) ?? null;
    const end = after?.get(address) ?? null;
    return {
      address,
      role: end?.role ?? 'unreachable',
      keys: end?.keys ?? null,
      usedMemory: end?.usedMemory ?? null,
      commandsProcessed: start !== null && end !== null ? end.commandsProcessed - start.commandsProcessed : null,
    };
  });
}
