import type { Cluster, Redis } from 'ioredis';

/**
 * A connection to the Redis tier: one server (ioredis `Redis`) or a Redis Cluster (ioredis
 * `Cluster`). Both speak the same commands for single keys; what differs is only where a command
 * spanning keys or nodes may go (MGET needs one slot, SCAN and INFO see one node), and the
 * helpers here answer that so the rest of fcbench need not ask.
 */
export type RedisClient = Redis | Cluster;

export function isCluster(client: RedisClient): client is Cluster {
  return (client as Cluster).isCluster === true;
}

/** The servers holding data: the client itself, or every master a cluster knows now. */
export function dataNodes(client: RedisClient): Redis[] {
  return isCluster(client) ? client.nodes('master') : [client];
}

/** `host:port` of a node connection. */
export function nodeAddress(node: Redis): string {
  return `${node.options.host ?? '127.0.0.1'}:${node.options.port ?? 6379}`;
}
