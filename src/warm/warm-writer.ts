import type { Redis } from 'ioredis';
import { isCluster, type RedisClient } from '../redis/client.js';
import { openBulkSet, RedisReplyError, type BulkSetConnection } from '../redis/bulk-set.js';
import { pipelineByNode } from '../redis/slots.js';
import type { ResolvedTtl } from '../cascade/options.js';
import { valueKey } from '../cascade/key-scheme.js';
import type { Codec } from '../codec/types.js';
import { environmentError } from '../errors.js';
import type { WarmInput, WarmRow } from './warm-input.js';
import { warmEnvelope } from './warm-stamp.js';
import type { FeastWarmFormat } from '../feast/warm-format.js';

/**
 * The warm job's loop: encode each row with the scenario's codec, `SET key value PX ttl` in one
 * pipeline per batch, with one batch in flight while the next is read and encoded (so Redis and
 * this process work at the same time). To a single server the batch goes framed by hand over a
 * connection of its own, opened per `drive` (src/redis/bulk-set.ts: ioredis' per-command cost was
 * the job's bottleneck); to a cluster, and in Feast's layout, through ioredis pipelines. Stops
 * between batches on `signal` (every key written so far is whole: a rerun or `--resume` finishes
 * the job), paces to `ratePerSec`, and can stop after `limit` keys and carry on later from the same
 * input (progressive warming).
 */

export interface WarmWriterOptions {
  client: RedisClient;
  /** The run's or the shared key prefix (keys as the cascade reads them). */
  keyPrefix: string;
  codec: Codec;
  ttlOf(featureSet: string): ResolvedTtl;
  input: WarmInput;
  /** Keys per pipeline. @default 500 */
  batch?: number | undefined;
  /** Skip keys already holding a value of the same snapshot version (one pipelined GET per batch). @default false */
  resume?: boolean | undefined;
  /** Wall clock for the remaining TTL (PX); the bytes never depend on it. @default Date.now */
  wallMs?: (() => number) | undefined;
  /** Called with each key written (a shared-layout run remembers them for its cleanup). */
  onWrite?: ((key: string) => void) | undefined;
  /** Write Feast's Redis layout instead of fcbench's keys (`cascade.layout: feast`); `resume` then skips rows whose `_ts` is the snapshot's. @default fcbench's layout */
  feast?: FeastWarmFormat | undefined;
}

export interface WarmProgress {
  written: number;
  /** Already there with the same version (`resume`). */
  skipped: number;
  /** Past their hard TTL already (written-at + TTL before now): not written. */
  expired: number;
  /** Rows read from the input. */
  read: number;
  total: number | null;
}

export interface DriveOptions {
  /** Stop once this many rows (all of them, skipped ones too) have been handled in this call. @default all */
  limit?: number | undefined;
  /** Most keys per second. @default unlimited */
  ratePerSec?: number | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: Readonly<WarmProgress>) => void) | undefined;
  sleepMs?: ((ms: number) => Promise<void>) | undefined;
}

export interface WarmWriter {
  /** Handles rows until the input ends, `limit` is reached or `signal` aborts; resolves with the totals so far. */
  drive(options?: DriveOptions): Promise<Readonly<WarmProgress>>;
  /** True once the input is exhausted. */
  readonly done: boolean;
  readonly progress: Readonly<WarmProgress>;
}

export function createWarmWriter(options: WarmWriterOptions): WarmWriter {
  const batchSize = options.batch ?? 500;
  const wallMs = options.wallMs ?? Date.now;
  const { client, codec, input } = options;
  // The key layout follows the target: a cluster's keys carry the entity as a hash tag (key-scheme.ts).
  const hashTag = isCluster(client);
  const progress: WarmProgress = { written: 0, skipped: 0, expired: 0, read: 0, total: input.total };
  const iterator = input.batches(batchSize)[Symbol.asyncIterator]();
  let leftover: WarmRow[] = [];
  let done = false;
  let inFlight: Promise<void> | null = null;
  const failedAfter = (error: unknown) => environmentError(`Redis failed during the warm job after ${progress.written} keys: ${(error as Error).message}`, error);
  const refused = (error: Error) => environmentError(`Redis refused a warm write: ${error.message}`, error);
  const useBulk = options.feast === undefined && !isCluster(client);
  let bulk: Promise<BulkSetConnection> | null = null;
  const closeBulk = async () => {
    const opened = bulk;
    bulk = null;
    if (opened !== null) (await opened.catch(() => null))?.close();
  };

  /** One batch's SETs; throws the job's environment error. */
  const write = async (keys: string[], values: Buffer[], pxMs: number[]): Promise<void> => {
    if (useBulk) {
      try {
        bulk ??= openBulkSet(client as Redis);
        await (await bulk).send(keys, values, pxMs);
      } catch (error) {
        throw error instanceof RedisReplyError ? refused(error) : failedAfter(error);
      }
      return;
    }
    let replies;
    try {
      replies = await pipelineByNode(client, keys, (pipeline, j) => pipeline.set(keys[j]!, values[j]!, 'PX', pxMs[j]!));
    } catch (error) {
      throw failedAfter(error);
    }
    for (const [error] of replies) {
      if (error !== null) throw refused(error);
    }
  };

  const nextRows = async (max: number): Promise<WarmRow[]> => {
    if (leftover.length === 0) {
      const next = await iterator.next();
      if (next.done === true) {
        done = true;
        return [];
      }
      leftover = next.value;
      progress.read += leftover.length;
    }
    const rows = leftover.length <= max ? leftover : leftover.slice(0, max);
    leftover = leftover.length <= max ? [] : leftover.slice(max);
    return rows;
  };

  /** Which rows' keys already hold their snapshot version (resume): one pipelined GET. */
  const present = async (rows: readonly { entity: string; featureSet: string }[]): Promise<boolean[]> => {
    if (options.feast !== undefined) return options.feast.present(client, rows, (set) => input.stampOf(set));
    const versions = rows.map((row) => input.stampOf(row.featureSet).version);
    const keys = rows.map((row, i) => valueKey(options.keyPrefix, row.featureSet, versions[i]!, row.entity, hashTag));
    const replies = await pipelineByNode(client, keys, (pipeline, i) => pipeline.getBuffer(keys[i]!));
    return rows.map((row, i) => {
      const [error, bytes] = replies[i] ?? [null, null];
      if (error !== null || !(bytes instanceof Buffer)) return false;
      const decoded = codec.decode(bytes, row.featureSet);
      return decoded.ok && decoded.value.header.version === versions[i];
    });
  };
  // An input that fetches values checks before fetching; any other input is checked here per batch.
  const inputChecks = options.resume === true && input.checkPresenceWith !== undefined;
  if (inputChecks) input.checkPresenceWith!(present);

  const sendFeast = async (rows: WarmRow[], feast: FeastWarmFormat): Promise<void> => {
    const skip = options.resume === true && !inputChecks ? await present(rows) : null;
    const batch = feast.encodeBatch(skip === null ? rows : rows.filter((_, i) => !skip[i]), (set) => input.stampOf(set), options.ttlOf, wallMs());
    if (skip !== null) progress.skipped += rows.length - skip.filter((s) => !s).length;
    progress.skipped += batch.skipped;
    progress.expired += batch.expired;
    if (batch.rows === 0) return;
    if (inFlight !== null) await inFlight;
    inFlight = feast.write(client, batch).then(() => {
      progress.written += batch.rows;
      if (options.onWrite !== undefined) for (const row of batch.written) options.onWrite(valueKey(options.keyPrefix, row.featureSet, input.stampOf(row.featureSet).version, row.entity));
    }, (error: unknown) => {
      throw failedAfter(error);
    });
    inFlight.catch(() => undefined);
  };

  const send = async (rows: WarmRow[]): Promise<void> => {
    if (options.feast !== undefined) return sendFeast(rows, options.feast);
    const keys = new Array<string>(rows.length);
    const versions = new Array<string>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const stamp = input.stampOf(row.featureSet);
      versions[i] = stamp.version;
      keys[i] = valueKey(options.keyPrefix, row.featureSet, stamp.version, row.entity, hashTag);
    }
    const skip = options.resume === true && !inputChecks ? await present(rows) : null;
    const sent: string[] = [];
    const sentBytes: Buffer[] = [];
    const sentPx: number[] = [];
    const nowMs = wallMs();
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if (skip?.[i] === true || (row.values === null && row.encoded === undefined)) {
        progress.skipped++;
        continue;
      }
      let bytes: Buffer;
      let hardExpiresAtMs: number;
      if (row.encoded !== undefined) {
        ({ bytes, hardExpiresAtMs } = row.encoded);
      } else {
        const { header, expiries } = warmEnvelope(row.featureSet, versions[i]!, input.stampOf(row.featureSet).writtenAtMs, options.ttlOf(row.featureSet), row.entity);
        bytes = codec.encode(header, row.values!);
        hardExpiresAtMs = expiries.hardExpiresAtMs;
      }
      const pxMs = Math.ceil(hardExpiresAtMs - nowMs);
      if (pxMs <= 0) {
        progress.expired++;
        continue;
      }
      sent.push(keys[i]!);
      sentBytes.push(bytes);
      sentPx.push(pxMs);
    }
    if (sent.length === 0) return;
    // The previous batch must be acknowledged before this one counts: a failure stops the job there.
    if (inFlight !== null) await inFlight;
    inFlight = write(sent, sentBytes, sentPx).then(() => {
      progress.written += sent.length;
      if (options.onWrite !== undefined) for (const key of sent) options.onWrite(key);
    });
    // Unhandled until awaited: keep the rejection observed, it is rethrown by the next await.
    inFlight.catch(() => undefined);
  };

  return {
    get done() {
      return done;
    },
    progress,
    async drive(driveOptions = {}) {
      const limit = driveOptions.limit ?? Number.POSITIVE_INFINITY;
      const sleep = driveOptions.sleepMs ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
      const startMs = performance.now();
      let handled = 0;
      try {
        while (!done && handled < limit && driveOptions.signal?.aborted !== true) {
          const rows = await nextRows(Math.min(batchSize, limit - handled));
          if (rows.length === 0) break;
          handled += rows.length;
          await send(rows);
          driveOptions.onProgress?.(progress);
          const rate = driveOptions.ratePerSec;
          if (rate !== undefined) {
            const aheadMs = (handled * 1000) / rate - (performance.now() - startMs);
            if (aheadMs > 0) await sleep(aheadMs);
          }
        }
        if (inFlight !== null) {
          const last = inFlight;
          inFlight = null;
          await last;
        }
      } finally {
        await closeBulk();
      }
      driveOptions.onProgress?.(progress);
      return progress;
    },
  };
}
