import type { Redis } from 'ioredis';
import { dataNodes, type RedisClient } from '../redis/client.js';
import { pipelineByNode, unlinkKeys } from '../redis/slots.js';
import { isProjectKey } from './entity-key.js';
import { feastView, type FeastView } from './feature-view.js';
import { feastKeyBuilder, type FeastKeyOptions } from './redis-key.js';
import type { PayloadSpec } from '../workload/types.js';

/**
 * The end of a `layout: feast` run's Redis use. Feast keys start with the entity key and end with
 * the project, so fcbench's prefix SCAN never sees them: a per-run project's hashes are found by
 * SCAN MATCH `*<project>` (each checked to be exactly that project's key), and a shared run (a
 * Redis Feast materialized) removes only the fields it wrote, with HDEL, so Feast's own rows and
 * views stay.
 */
export interface FeastCleanup {
  /** Every hash of the project (a per-run project). */
  deleteProject(client: RedisClient, batch?: number): Promise<number>;
  /** How many hashes the project has, and their mean MEMORY USAGE over up to `sample` of them (the result's redis.keys and bytesPerKey). */
  measure(client: RedisClient, sample?: number): Promise<{ keys: number; bytesPerKey: number }>;
  /** The views a shared run filled, by the logical keys it reported (`prefix:set:version:entity`). */
  deleteWritten(client: RedisClient, keys: Iterable<string>): Promise<number>;
}

export function feastCleanup(options: FeastKeyOptions & { payloads: Readonly<Record<string, PayloadSpec>> }): FeastCleanup {
  const views = new Map<string, FeastView>(Object.entries(options.payloads).map(([name, spec]) => [name, feastView(name, spec)]));
  const keyOf = feastKeyBuilder(options);
  const pattern = `*${options.project.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}`;
  /** SCAN every master for the project's keys; `onKeys` gets each batch with its node. */
  const scanProject = async (client: RedisClient, batch: number, onKeys: (node: Redis, keys: Buffer[]) => Promise<void>): Promise<void> => {
    for (const node of dataNodes(client)) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scanBuffer(cursor, 'MATCH', pattern, 'COUNT', batch);
        cursor = next.toString();
        const ours = keys.filter((key) => isProjectKey(key, options.project));
        if (ours.length > 0) await onKeys(node, ours);
      } while (cursor !== '0');
    }
  };
  return {
    async deleteProject(client, batch = 500) {
      let deleted = 0;
      // Through the client, split by slot: a cluster node refuses a multi-key UNLINK across slots.
      await scanProject(client, batch, async (_node, keys) => {
        deleted += await unlinkKeys(client, keys);
      });
      return deleted;
    },
    async measure(client, sample = 200) {
      let keys = 0;
      let bytes = 0;
      let sampled = 0;
      await scanProject(client, 1000, async (node, batch) => {
        keys += batch.length;
        for (const key of batch.slice(0, Math.max(0, sample - sampled))) {
          const usage = (await node.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) as number | null;
          if (typeof usage === 'number') {
            bytes += usage;
            sampled++;
          }
        }
      });
      return { keys, bytesPerKey: sampled === 0 ? 0 : bytes / sampled };
    },
    async deleteWritten(client, keys) {
      const rows: { key: Buffer; fields: readonly Buffer[] }[] = [];
      for (const key of keys) {
        // `${project}:${set}:${version}:${entity}`: set and version have no ':' (NAME_RE), the entity may.
        const parts = key.slice(options.project.length + 1).split(':');
        const view = views.get(parts[0] ?? '');
        if (view !== undefined && parts.length >= 3) rows.push({ key: keyOf(parts.slice(2).join(':')), fields: view.readFields });
      }
      const redisKeys = rows.map((row) => row.key);
      const replies = await pipelineByNode(client, redisKeys, (pipeline, i) => pipeline.hdel(redisKeys[i]!, ...rows[i]!.fields));
      return replies.filter(([error, removed]) => error === null && (removed as number) > 0).length;
    },
  };
}
