import { randomBytes } from 'node:crypto';
import { FcbenchError, badInput } from '../errors.js';
import { deleteByPrefix } from '../redis/cleanup.js';
import { provisionRedis } from '../redis/provision.js';
import type { CodecsResult } from './lab-types.js';
import type { LabRedis } from './round-trip.js';

/** A Redis for the lab's round trips, or none and why. */
export interface LabRedisSession {
  readonly redis: LabRedis | null;
  readonly info: CodecsResult['redis'];
  /** One line when there is no Redis: the round-trip and Redis-memory columns are then omitted. */
  readonly notes: readonly string[];
  /** Deletes the lab's keys and closes the connection (and a private redis-server). */
  close(): Promise<void>;
}

/**
 * `--redis` as in `run`: `auto` = REDIS_URL, else a private redis-server. A Redis that cannot be
 * had (none installed, nothing listening, refused) is not an error here: the lab measures codecs
 * without it and says so. A URL that is not a Redis URL at all is still bad input.
 */
export async function connectLabRedis(url: string, env: Record<string, string | undefined>): Promise<LabRedisSession> {
  try {
    const provisioned = await provisionRedis({ url, env, connectTimeoutMs: 2000, commandTimeoutMs: 5000 });
    const keyPrefix = `fcb-codecs:${randomBytes(4).toString('hex')}`;
    return {
      redis: { client: provisioned.client, keyPrefix },
      info: { url: provisioned.url, version: provisioned.serverVersion },
      notes: [],
      async close() {
        await deleteByPrefix(provisioned.client, keyPrefix).catch(() => 0);
        await provisioned.close();
      },
    };
  } catch (error) {
    if (error instanceof FcbenchError && error.code === 'bad-input') throw badInput(`--redis: ${error.message.replace(/^cascade\.redis\.url: /, '')}`);
    const reason = error instanceof Error ? error.message : String(error);
    return {
      redis: null,
      info: null,
      notes: [`no Redis (${reason.split('\n')[0]}): round-trip and Redis-memory columns omitted; end-to-end cost counts codec time and wire bytes only`],
      close: async () => undefined,
    };
  }
}
