import type { RedisClient } from './client.js';
import { badInput } from '../errors.js';
import { connectCluster, connectRedis, disconnect, type ConnectOptions, IOREDIS_VERSION, redactUrl, serverInfo } from './connect.js';
import { startPrivateRedis, type PrivateRedis } from './private-server.js';

export interface ProvisionOptions {
  /** `auto` (REDIS_URL if set, else a private redis-server) or a redis:// / rediss:// URL. */
  url: string;
  /** Redis Cluster seed URLs (cascade.redis.cluster): when given, `url` is not used. */
  cluster?: readonly string[] | undefined;
  env?: Record<string, string | undefined>;
  /** Load may go to a non-loopback host only when the user says so (cascade.redis.allowRemote). @default false */
  allowRemote?: boolean;
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
  autoPipelining?: boolean;
}

export interface ProvisionedRedis {
  /** The URL connected to, password redacted. */
  url: string;
  /** The same URL with its password, for fcbench's own replica processes (sent over IPC); never write it anywhere. */
  connectUrl: string;
  provisioned: 'url' | 'env' | 'private' | 'cluster';
  serverVersion: string;
  serverMode: string;
  clientVersion: string;
  /** The first client (for cleanup, INFO, events); create more with `connect()`. A `Cluster` on a cluster. */
  client: RedisClient;
  /** A new client with the same settings (one per replica); `protocol: 2` for a tracking-invalidation subscriber. */
  connect(extra?: { protocol?: 2 | 3; name?: string }): Promise<RedisClient>;
  /** The seed URLs, redacted, on a cluster; null on a single server. */
  clusterSeeds: string[] | null;
  /** The private server, when fcbench started one (it owns it, so it may CLIENT PAUSE it freely). */
  privateServer: PrivateRedis | null;
  /** Quits every client made here and stops a private server. */
  close(): Promise<void>;
}

/**
 * Resolves `cascade.redis.url` to a live connection:
 * explicit URL -> that; `auto` -> REDIS_URL if set, else a private redis-server on a free loopback port.
 * Fails with exit-3 errors (environment) naming the URL, within the connect timeout.
 */
/**
 * What a Redis URL names before anything is started: the URL itself, `auto`'s REDIS_URL, or null
 * when `auto` finds no REDIS_URL and a private redis-server would be started.
 */
export function urlBeforeProvisioning(url: string, env: Record<string, string | undefined>): string | null {
  if (url !== 'auto') return url;
  const fromEnv = env['REDIS_URL'];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : null;
}

export async function provisionRedis(options: ProvisionOptions): Promise<ProvisionedRedis> {
  if (options.cluster !== undefined) return provisionCluster(options, options.cluster);
  const env = options.env ?? process.env;
  let url = options.url;
  let provisioned: ProvisionedRedis['provisioned'] = 'url';
  let privateServer: PrivateRedis | null = null;
  if (url === 'auto') {
    const fromEnv = urlBeforeProvisioning(url, env);
    if (fromEnv !== null) {
      url = fromEnv;
      provisioned = 'env';
    } else {
      privateServer = await startPrivateRedis();
      url = privateServer.url;
      provisioned = 'private';
    }
  }
  checkUrl(url, options.allowRemote ?? false);
  const target = url;
  const { clients, connect } = clientFactory(options, (settings) => connectRedis(target, settings));
  try {
    const client = await connect();
    const info = await serverInfo(client);
    return {
      url: redactUrl(url),
      connectUrl: url,
      provisioned,
      serverVersion: info.version,
      serverMode: info.mode,
      clientVersion: `ioredis ${IOREDIS_VERSION}`,
      client,
      connect,
      clusterSeeds: null,
      privateServer,
      async close() {
        for (const c of clients) disconnect(c);
        await privateServer?.stop();
      },
    };
  } catch (error) {
    for (const c of clients) disconnect(c);
    await privateServer?.stop();
    throw error;
  }
}

/** `connect()` with the run's settings (plus a name or protocol), remembering every client it made so close() quits them all. */
function clientFactory(options: ProvisionOptions, open: (settings: ConnectOptions) => Promise<RedisClient>) {
  const clients: RedisClient[] = [];
  const connect = async (extra: { protocol?: 2 | 3; name?: string } = {}) => {
    const client = await open({ connectTimeoutMs: options.connectTimeoutMs, commandTimeoutMs: options.commandTimeoutMs, autoPipelining: options.autoPipelining, ...extra });
    clients.push(client);
    return client;
  };
  return { clients, connect };
}

/** A Redis Cluster from its seeds: every seed is checked as a URL is, before anything connects. */
async function provisionCluster(options: ProvisionOptions, seeds: readonly string[]): Promise<ProvisionedRedis> {
  for (const seed of seeds) checkUrl(seed, options.allowRemote ?? false, 'cascade.redis.cluster');
  if (options.allowRemote !== true) await checkClusterNodes(seeds[0]!, options);
  const { clients, connect } = clientFactory(options, (settings) => connectCluster(seeds, settings));
  try {
    const client = await connect();
    const info = await serverInfo(client);
    const shown = seeds.map(redactUrl);
    return {
      url: shown.join(','),
      connectUrl: seeds[0]!,
      provisioned: 'cluster',
      serverVersion: info.version,
      serverMode: info.mode,
      clientVersion: `ioredis ${IOREDIS_VERSION}`,
      client,
      connect,
      clusterSeeds: shown,
      privateServer: null,
      async close() {
        for (const c of clients) disconnect(c);
      },
    };
  } catch (error) {
    for (const c of clients) disconnect(c);
    throw error;
  }
}

/**
 * Loopback seeds are not enough: the cluster client goes wherever CLUSTER SLOTS points it. So the
 * slot map is read from the first seed over a plain connection, before the cluster client exists,
 * and every node it names must be loopback too (or the user allowed remote targets). A seed that
 * is no cluster node is bad input: the scenario names the wrong kind of Redis.
 */
async function checkClusterNodes(seed: string, options: ProvisionOptions): Promise<void> {
  const probe = await connectRedis(seed, { connectTimeoutMs: options.connectTimeoutMs, commandTimeoutMs: options.commandTimeoutMs, name: 'fcbench-probe', target: 'Redis Cluster' });
  let slots: unknown;
  try {
    slots = await probe.call('CLUSTER', 'SLOTS');
  } catch (error) {
    const text = (error as Error).message;
    if (/cluster support disabled/i.test(text)) {
      throw badInput(`cascade.redis.cluster: ${redactUrl(seed)} is not a Redis Cluster node (cluster support disabled); use cascade.redis.url for a single server`);
    }
    throw error;
  } finally {
    disconnect(probe);
  }
  const seedHost = new URL(seed).hostname;
  for (const range of Array.isArray(slots) ? (slots as unknown[][]) : []) {
    for (const node of range.slice(2) as unknown[][]) {
      const host = String(node[0] ?? '');
      // '' and '?' mean "the address you reached me at": the seed's host.
      if (host === '' || host === '?' || isLoopback(host) || host === seedHost) continue;
      throw badInput(
        `cascade.redis.cluster: the cluster at ${redactUrl(seed)} names node ${host}:${String(node[1])}, which is not a loopback address; ` +
          'fcbench only loads remote servers when cascade.redis.allowRemote is true (or --allow-remote is given)',
      );
    }
  }
}

/** Only loopback targets unless the user explicitly allowed a remote one. */
function checkUrl(url: string, allowRemote: boolean, field = 'cascade.redis.url'): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badInput(`${field}: not a URL: ${redactUrl(url)} (use auto, redis://host:port or rediss://host:port)`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw badInput(`${field}: unsupported scheme ${parsed.protocol} in ${redactUrl(url)} (use redis:// or rediss://)`);
  }
  if (!allowRemote && !isLoopback(parsed.hostname)) {
    throw badInput(
      `${field}: ${redactUrl(url)} is not a loopback address; fcbench only loads remote servers when ` +
        'cascade.redis.allowRemote is true (or --allow-remote is given)',
    );
  }
}

export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}
