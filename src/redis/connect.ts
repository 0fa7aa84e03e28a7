import { Cluster, Redis } from 'ioredis';
import { dataNodes, type RedisClient } from './client.js';
import { environmentError } from '../errors.js';
import { readPackageVersion } from '../package-version.js';
import { redactText } from '../redact.js';

export interface ConnectOptions {
  /** Give up on the first connection after this long. @default 2000 (ms) */
  connectTimeoutMs?: number;
  /** A command not answered within this long fails (no hang on a paused or dead server). @default 500 (ms) */
  commandTimeoutMs?: number;
  /** ioredis auto-pipelining: measured to worsen the tail here (ANCHORS.md), so off unless asked. @default false */
  autoPipelining?: boolean;
  /** CLIENT SETNAME, so `CLIENT LIST` shows who is connected. @default 'fcbench' */
  name?: string;
  /**
   * RESP version. Tracking invalidations redirected to a RESP3 connection arrive as `invalidate`
   * pushes, which ioredis drops; a RESP2 subscriber gets them as `__redis__:invalidate` messages.
   * @default 3 (ioredis' default)
   */
  protocol?: 2 | 3;
  /** What the URL is, in error messages (a cluster's seed is probed as a single server). @default 'Redis' */
  target?: string;
}

const DISCONNECT_TIMEOUT_MS = 100;

/** ioredis' own version, recorded in every result. */
export const IOREDIS_VERSION: string = readPackageVersion('ioredis');

/** Shows a URL without its password, for messages and results. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    // Not parseable (`redis://:pw@host:badport`) is no reason to show the password.
    return redactText(url);
  }
}

/**
 * Connects with harness-safe settings: no offline queue (a command on a dead connection fails at
 * once instead of queueing forever), a command timeout, a bounded first connection (fails within
 * `connectTimeoutMs` with one line naming the URL), then unbounded reconnects with capped backoff
 * so a run survives a Redis restart, each failed command counting as an error meanwhile.
 */
export async function connectRedis(url: string, options: ConnectOptions = {}): Promise<Redis> {
  const connectTimeoutMs = options.connectTimeoutMs ?? 2000;
  const state = { connectedOnce: false };
  let client: Redis;
  try {
    client = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      commandTimeout: options.commandTimeoutMs ?? 500,
      connectTimeout: connectTimeoutMs,
      // How long a closing socket may wait for the server's FIN before it is destroyed. ioredis' 2 s
      // default held the process open that long whenever a client was closed while reconnecting
      // (Redis killed mid-run); the socket is being thrown away, so there is nothing to wait for.
      disconnectTimeout: DISCONNECT_TIMEOUT_MS,
      maxRetriesPerRequest: 0,
      enableAutoPipelining: options.autoPipelining ?? false,
      connectionName: options.name ?? 'fcbench',
      ...(options.protocol === undefined ? {} : { protocol: options.protocol }),
      retryStrategy: (attempt) => reconnectDelay(state, attempt),
    });
  } catch (error) {
    throw environmentError(`cannot use Redis URL ${redactUrl(url)}: ${(error as Error).message}`, error);
  }
  await firstConnection(client, state, connectTimeoutMs, ['error'], `${options.target ?? 'Redis'} at ${redactUrl(url)}`);
  return client;
}

/** No retry before the first connection (it fails once, with its reason); capped backoff after. */
function reconnectDelay(state: { connectedOnce: boolean }, attempt: number): number | null {
  return state.connectedOnce ? Math.min(50 * attempt, 500) : null;
}

/**
 * Connects `client` within `connectTimeoutMs` (plus a little, for ioredis' own timeout to win), or
 * disconnects it and throws one environment error naming `what`. Errors are surfaced per command;
 * without a listener ioredis would log every reconnect failure. Before the first connection the
 * event is kept: the real reason (WRONGPASS, NOAUTH, ECONNREFUSED) only shows up there, while
 * connect() itself rejects with "Connection is closed." (a cluster: "Failed to refresh slots cache").
 */
async function firstConnection(client: RedisClient, state: { connectedOnce: boolean }, connectTimeoutMs: number, events: readonly string[], what: string): Promise<void> {
  let firstError: unknown;
  for (const event of events) {
    client.on(event, (error: unknown) => {
      if (!state.connectedOnce) firstError ??= error;
    });
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${connectTimeoutMs} ms`)), connectTimeoutMs + 250);
      }),
    ]);
    state.connectedOnce = true;
  } catch (error) {
    disconnect(client);
    throw environmentError(`cannot connect to ${what}: ${describe(firstError ?? error)}`, error);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Connects to a Redis Cluster from seed URLs with the single-node client's rules: no offline queue,
 * a command timeout per node connection, a bounded first connection, then capped reconnects. The
 * cluster follows MOVED/ASK itself (bounded by `maxRedirections`) and refreshes its slot map on a
 * failover, so a run survives one; commands sent to a dead master meanwhile fail and count as errors.
 * Credentials and TLS come from the first seed; every node is expected to share them.
 */
export async function connectCluster(seeds: readonly string[], options: ConnectOptions = {}): Promise<Cluster> {
  const connectTimeoutMs = options.connectTimeoutMs ?? 2000;
  const state = { connectedOnce: false };
  let client: Cluster;
  const shown = seeds.map(redactUrl).join(', ');
  try {
    const parsed = seeds.map((seed) => new URL(seed));
    const first = parsed[0]!;
    client = new Cluster(
      parsed.map((url) => ({ host: url.hostname, port: Number(url.port || 6379) })),
      {
        lazyConnect: true,
        enableOfflineQueue: false,
        enableAutoPipelining: options.autoPipelining ?? false,
        maxRedirections: 16,
        // After a failover the new master needs a moment to take the slots; a failed command waits this long per retry.
        retryDelayOnFailover: 100,
        retryDelayOnClusterDown: 100,
        slotsRefreshTimeout: connectTimeoutMs,
        // A slot map older than this is refreshed, so a failover that sent no MOVED is noticed within a second.
        slotsRefreshInterval: 1000,
        clusterRetryStrategy: (attempt) => reconnectDelay(state, attempt),
        redisOptions: {
          commandTimeout: options.commandTimeoutMs ?? 500,
          connectTimeout: connectTimeoutMs,
          disconnectTimeout: DISCONNECT_TIMEOUT_MS,
          maxRetriesPerRequest: 0,
          connectionName: options.name ?? 'fcbench',
          ...(first.username !== '' ? { username: decodeURIComponent(first.username) } : {}),
          ...(first.password !== '' ? { password: decodeURIComponent(first.password) } : {}),
          ...(first.protocol === 'rediss:' ? { tls: {} } : {}),
          ...(options.protocol === undefined ? {} : { protocol: options.protocol }),
        },
      },
    );
  } catch (error) {
    throw environmentError(`cannot use Redis Cluster seeds ${shown}: ${(error as Error).message}`, error);
  }
  // A node's own failure ('node error') carries the reason a refused first connection had.
  await firstConnection(client, state, connectTimeoutMs, ['error', 'node error'], `Redis Cluster at ${shown}`);
  return client;
}

/**
 * Disconnects a client unless it is closed already. ioredis arms a ref'd 2 s "stream still open"
 * timer on every disconnect() and clears it on the stream's 'close' event; on a closed stream that
 * event never comes again, and the timer kept the process alive for 2 s after a run or an error.
 */
export function disconnect(client: RedisClient): void {
  if (client.status !== 'end') client.disconnect();
}

/** The reason as a fix. ioredis' own text never holds the password (and every caller redacts anyway). */
function describe(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e?.message?.startsWith('WRONGPASS')) return 'authentication failed (WRONGPASS: wrong user name or password in the URL)';
  if (e?.message?.startsWith('NOAUTH')) return 'the server requires a password (NOAUTH); give it in the URL: redis://:PASSWORD@host:port';
  if (e?.code === 'ECONNREFUSED') return 'connection refused (is redis-server running there?)';
  if (e?.code === 'ENOTFOUND') return 'host not found';
  return e?.message ?? String(error);
}

/** The server's version and mode (standalone/cluster/sentinel), from INFO server (of one master in a cluster). */
export async function serverInfo(client: RedisClient): Promise<{ version: string; mode: string }> {
  const info = await dataNodes(client)[0]!.info('server');
  const field = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim() ?? 'unknown';
  return { version: field('redis_version'), mode: field('redis_mode') };
}

/** `used_memory` from INFO memory, bytes; summed over the masters of a cluster. */
export async function usedMemoryBytes(client: RedisClient): Promise<number> {
  let total = 0;
  for (const node of dataNodes(client)) total += Number(/^used_memory:(\d+)/m.exec(await node.info('memory'))?.[1] ?? 0);
  return total;
}
