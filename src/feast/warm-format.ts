import { badInput } from '../errors.js';
import type { ResolvedTtl } from '../cascade/options.js';
import type { RedisClient } from '../redis/client.js';
import { pipelineByNode } from '../redis/slots.js';
import type { WarmRow } from '../warm/warm-input.js';
import { warmEnvelope } from '../warm/warm-stamp.js';
import type { PayloadSpec } from '../workload/types.js';
import { feastView, type FeastView } from './feature-view.js';
import { encodeFeastRow } from './layout.js';
import { feastKeyBuilder, type FeastKeyOptions } from './redis-key.js';
import { decodeTimestamp } from './value-proto.js';

/**
 * `fcbench warm` into Feast's layout: per row one `HSET <entity key> <fields...> _ts:<view> <ts>`
 * and a `PEXPIRE` with the row's jittered hard TTL, pipelined per batch, as Feast's
 * `online_write_batch` does with `key_ttl_seconds` (skip_dedup: fcbench's rows are one snapshot,
 * no older row to keep). `_ts` is the snapshot's commit time from the input, so a rerun writes the
 * same bytes.
 */
export interface FeastWarmBatch {
  keys: Buffer[];
  args: Buffer[][];
  pxMs: number[];
  rows: number;
  written: WarmRow[];
  skipped: number;
  expired: number;
}

export interface FeastWarmFormat {
  /**
   * Which rows' views already hold their snapshot (`--resume`): a Feast hash has no version, so a
   * row is there when its `_ts:<view>` is the snapshot's commit time, the `_ts` this job writes.
   */
  present(client: RedisClient, rows: readonly { entity: string; featureSet: string }[], stampOf: (set: string) => { writtenAtMs: number }): Promise<boolean[]>;
  encodeBatch(rows: readonly WarmRow[], stampOf: (set: string) => { version: string; writtenAtMs: number }, ttlOf: (set: string) => ResolvedTtl, nowMs: number): FeastWarmBatch;
  write(client: RedisClient, batch: FeastWarmBatch): Promise<void>;
}

export function feastWarmFormat(options: FeastKeyOptions & { payloads: Readonly<Record<string, PayloadSpec>> }): FeastWarmFormat {
  const views = new Map<string, FeastView>(Object.entries(options.payloads).map(([name, spec]) => [name, feastView(name, spec)]));
  const keyOf = feastKeyBuilder(options);
  return {
    async present(client, rows, stampOf) {
      const keys = rows.map((row) => keyOf(row.entity));
      const replies = await pipelineByNode(client, keys, (pipeline, i) => pipeline.hgetBuffer(keys[i]!, views.get(rows[i]!.featureSet)?.tsField ?? ''));
      return replies.map(([error, ts], i) => error === null && ts instanceof Buffer && decodeTimestamp(ts) === stampOf(rows[i]!.featureSet).writtenAtMs);
    },
    encodeBatch(rows, stampOf, ttlOf, nowMs) {
      const batch: FeastWarmBatch = { keys: [], args: [], pxMs: [], rows: 0, written: [], skipped: 0, expired: 0 };
      for (const row of rows) {
        if (row.values === null) {
          if (row.encoded !== undefined) throw badInput('cascade.layout feast: this warm input arrives encoded in fcbench\'s envelope (a worker thread); warm from a manifest or --top instead');
          batch.skipped++;
          continue;
        }
        const stamp = stampOf(row.featureSet);
        const { expiries } = warmEnvelope(row.featureSet, stamp.version, stamp.writtenAtMs, ttlOf(row.featureSet), row.entity);
        const pxMs = Math.ceil(expiries.hardExpiresAtMs - nowMs);
        if (pxMs <= 0) {
          batch.expired++;
          continue;
        }
        const view = views.get(row.featureSet);
        if (view === undefined) throw badInput(`cascade.layout feast: warm row of unknown feature set ${JSON.stringify(row.featureSet)}`);
        batch.keys.push(keyOf(row.entity));
        batch.args.push(encodeFeastRow(view, row.values, stamp.writtenAtMs));
        batch.pxMs.push(pxMs);
        batch.written.push(row);
        batch.rows++;
      }
      return batch;
    },
    async write(client, batch) {
      const replies = await pipelineByNode(client, batch.keys, (pipeline, i) => pipeline.hset(batch.keys[i]!, ...batch.args[i]!).pexpire(batch.keys[i]!, batch.pxMs[i]!), 2);
      for (const [error] of replies) {
        if (error !== null) throw error;
      }
    },
  };
}
