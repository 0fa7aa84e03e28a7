import type { RedisClient } from '../redis/client.js';
import { disconnect } from '../redis/connect.js';
import type { Clock } from '../cascade/clock.js';
import { createHistogram, type LatencyHistogram } from '../metrics/histogram.js';
import type { LocalInvalidationResult } from '../results/result-types.js';
import { LateChecks } from './late-checks.js';

/** What the bus needs of a replica: drop a local entry by its Redis key, or move to a new key version. */
export interface BusReplica {
  evictLocal(key: string): boolean;
  setKeyVersion(featureSet: string, version: string): void;
  /** Empties the local tier: after a lost tracking connection it may hold values whose pushes were missed. */
  flushLocal(): void;
}

/**
 * How replicas' local tiers hear of changes the cache updater makes:
 * - `ttl`: they do not (entries age out at the local TTL);
 * - `pubsub`: the updater PUBLISHes the changed keys (or a version switch) on one channel, and each
 *   replica's own subscriber connection drops them;
 * - `tracking`: RedisClient server-assisted client-side caching. Each replica's data connection runs
 *   `CLIENT TRACKING ON REDIRECT <id> BCAST PREFIX <run prefix> NOLOOP`: whenever any other
 *   connection changes a key under the run's prefix, Redis pushes its name to the replica's
 *   subscriber on `__redis__:invalidate`. No updater message is needed; peers' refills
 *   invalidate too (the cost of broadcasting). Why BCAST rather than the default mode, which
 *   tracks only keys a connection read: there a replica's own fill (GET miss, then SET, with
 *   NOLOOP) silently ends the tracking of that key, so a later delete never reaches it. Measured:
 *   default mode left ~2% of changed keys outdated until the local TTL.
 */
export interface LocalBus {
  readonly mode: LocalInvalidationResult['mode'];
  /** Updater side, before it changes keys: the time drops are measured from. */
  applying(atUs: number, keys: readonly string[]): void;
  /** Updater side, after it changed keys: tells replicas (pubsub); returns the Redis commands sent. */
  announceKeys(keys: readonly string[]): Promise<number>;
  /**
   * Updater side, after its last change: with tracking, SETs a marker key whose push reaches each
   * replica after the pushes of every key changed before it (one server, one order), so only
   * pushes before the marker are timed as the updater's. Returns the commands sent.
   */
  applied(): Promise<number>;
  /** Updater side, versioned keys: tells replicas to switch now rather than at their next pointer read. */
  announceVersion(featureSet: string, version: string): Promise<number>;
  results(): LocalInvalidationResult['replicas'];
  close(): Promise<void>;
}

interface ReplicaCounts {
  received: number;
  dropped: number;
  /** Times the replica's invalidation path came back after a reconnect (its local tier emptied each time). */
  reconnects: number;
  latency: LatencyHistogram;
}

/** How often, and how many times, a re-arm looks for its reconnected subscriber before giving up until the next reconnect. */
const REARM_POLL_MS = 20;
const REARM_POLLS = 50;

/** How long after a push that found nothing a key is dropped again (a GET reply in flight lands well within it). */
const LATE_CHECK_MS = 20;

/** Keys per PUBLISH: big enough to keep commands few, small enough not to stall the subscriber. */
const KEYS_PER_MESSAGE = 500;

export async function createLocalBus(deps: {
  mode: LocalInvalidationResult['mode'];
  replicas: readonly BusReplica[];
  /** Each replica's data connection (tracking is turned on there). */
  replicaClients: readonly RedisClient[];
  publisher: RedisClient;
  /** A new connection; `protocol: 2` for a tracking subscriber (see connect.ts). */
  connect: (extra: { protocol?: 2 | 3; name?: string }) => Promise<RedisClient>;
  channel: string;
  clock: Clock;
  /** Tracking: keys under this prefix are broadcast (the run's key prefix with its colon). */
  trackingPrefix: string;
  /** Tracking: a push naming a key under this prefix is a version pointer, re-read at once. */
  pointerPrefix?: string;
  onPointer?: (replica: number) => void;
  /** Global id of `replicas[0]` (replicas after a deploy are numbered on): in connection names and results. @default 0 */
  firstId?: number;
}): Promise<LocalBus> {
  const { mode, clock } = deps;
  const firstId = deps.firstId ?? 0;
  const counts: ReplicaCounts[] = deps.replicas.map(() => ({ received: 0, dropped: 0, reconnects: 0, latency: createHistogram({ significantDigits: 2 }) }));
  const subscribers: RedisClient[] = [];
  const rearmListeners: (() => void)[] = [];
  const closed = new AbortController();
  // Tracking pushes carry only key names: a replica's first push for a key the updater just
  // changed is timed from that change; later pushes (a peer's refill) are not the updater's.
  let appliedUs = 0;
  const markerKey = `${deps.trackingPrefix}bus-marker`;
  let awaited: Set<string>[] = deps.replicas.map(() => new Set());
  // Redirect mode has a race: a GET answered with the old value can be processed after the push
  // that invalidates it (two sockets), and Redis tracks a key only until it has pushed once. Keys
  // whose push found nothing to drop are dropped again a moment later, as client-side caches do
  // with their "in flight" marks; the cost is an occasional extra miss.
  const lateChecks = new LateChecks(LATE_CHECK_MS, (id, key) => {
    if (deps.replicas[id]!.evictLocal(key)) counts[id]!.dropped++;
  });

  const timeFrom = (id: number, key: string, sentUs: number | null): void => {
    const fromUs = sentUs ?? (awaited[id]!.delete(key) ? appliedUs : null);
    if (fromUs !== null) counts[id]!.latency.record(Math.max(1, clock.nowUs() - fromUs));
  };

  const drop = (id: number, key: string, sentUs: number | null): void => {
    const c = counts[id]!;
    if (key === markerKey) {
      awaited[id]!.clear();
      return;
    }
    if (deps.pointerPrefix !== undefined && key.startsWith(deps.pointerPrefix)) {
      deps.onPointer?.(id);
      timeFrom(id, key, sentUs);
      return;
    }
    if (deps.replicas[id]!.evictLocal(key)) c.dropped++;
    else if (mode === 'tracking') lateChecks.add(id, key);
    timeFrom(id, key, sentUs);
  };

  if (mode === 'pubsub') {
    for (const [id, replica] of deps.replicas.entries()) {
      const sub = await deps.connect({ name: `fcbench-bus-${firstId + id}` });
      subscribers.push(sub);
      sub.on('message', (_channel: string, text: string) => {
        counts[id]!.received++;
        const message = JSON.parse(text) as { t: number; keys?: string[]; set?: string; version?: string };
        if (message.set !== undefined && message.version !== undefined) {
          replica.setKeyVersion(message.set, message.version);
          counts[id]!.latency.record(Math.max(1, clock.nowUs() - message.t));
          return;
        }
        for (const key of message.keys ?? []) drop(id, key, message.t);
      });
      await sub.subscribe(deps.channel);
      // ioredis resubscribes on reconnect, but messages published meanwhile are lost.
      const resubscribed = () => {
        replica.flushLocal();
        counts[id]!.reconnects++;
      };
      sub.on('ready', resubscribed);
      rearmListeners.push(() => sub.off('ready', resubscribed));
    }
  } else if (mode === 'tracking') {
    for (const [id, client] of deps.replicaClients.entries()) {
      // Named per run, so a re-arm finds this subscriber among every client of a shared Redis.
      const name = `fcbench-tracking-${deps.trackingPrefix.replace(/[^A-Za-z0-9_.:-]/g, '_')}${firstId + id}`;
      const sub = await deps.connect({ protocol: 2, name });
      subscribers.push(sub);
      sub.on('messageBuffer', (_channel: Buffer, payload: unknown) => {
        counts[id]!.received++;
        // A list of key names; null when the whole database was flushed (not by fcbench).
        if (!Array.isArray(payload)) return;
        for (const key of payload as Buffer[]) drop(id, key.toString(), null);
      });
      // CLIENT ID first: a connection in subscriber mode (RESP2) takes only subscriber commands.
      const subscriberId = (await sub.client('ID')) as number;
      await sub.subscribe('__redis__:invalidate');
      await trackingOn(client, String(subscriberId), deps.trackingPrefix);
      // Tracking lives on connections: when either one reconnects, Redis has forgotten it (or
      // redirects to a subscriber that is gone), and pushes sent meanwhile were lost.
      const rearm = createRearm(() => rearmTracking(client, sub, name, deps.trackingPrefix, closed), () => {
        deps.replicas[id]!.flushLocal();
        counts[id]!.reconnects++;
      });
      client.on('ready', rearm);
      sub.on('ready', rearm);
      rearmListeners.push(() => {
        client.off('ready', rearm);
        sub.off('ready', rearm);
      });
    }
  }

  return {
    mode,
    applying(atUs, keys) {
      appliedUs = atUs;
      if (mode === 'tracking') awaited = deps.replicas.map(() => new Set(keys));
    },
    async announceKeys(keys) {
      if (mode !== 'pubsub' || keys.length === 0) return 0;
      let commands = 0;
      for (let i = 0; i < keys.length; i += KEYS_PER_MESSAGE) {
        await deps.publisher.publish(deps.channel, JSON.stringify({ t: clock.nowUs(), keys: keys.slice(i, i + KEYS_PER_MESSAGE) }));
        commands++;
      }
      return commands;
    },
    async applied() {
      if (mode !== 'tracking') return 0;
      await deps.publisher.set(markerKey, String(appliedUs));
      return 1;
    },
    async announceVersion(featureSet, version) {
      if (mode !== 'pubsub') return 0;
      await deps.publisher.publish(deps.channel, JSON.stringify({ t: clock.nowUs(), set: featureSet, version }));
      return 1;
    },
    results() {
      return counts.map((c, id) => {
        const s = c.latency.summary();
        return {
          id: firstId + id,
          received: c.received,
          dropped: c.dropped,
          ...(mode === 'ttl' ? {} : { reconnects: c.reconnects }),
          latency: { count: s.count, p50: s.p50, p99: s.p99, max: s.max },
        };
      });
    },
    async close() {
      closed.abort();
      for (const off of rearmListeners) off();
      lateChecks.close();
      for (const sub of subscribers) disconnect(sub);
      for (const c of counts) c.latency.destroy();
    },
  };
}

function trackingOn(client: RedisClient, subscriberId: string, prefix: string): Promise<unknown> {
  return client.call('CLIENT', 'TRACKING', 'ON', 'REDIRECT', subscriberId, 'BCAST', 'PREFIX', prefix, 'NOLOOP');
}

/** One re-arm at a time; a reconnect during one queues another (the state may have changed again). */
function createRearm(work: () => Promise<boolean>, onArmed: () => void): () => void {
  let running: Promise<void> | null = null;
  let again = false;
  const start = (): void => {
    running = work()
      .then((armed) => {
        if (armed) onArmed();
      })
      // Redis still down: the next 'ready' tries again.
      .catch(() => undefined)
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          start();
        }
      });
  };
  return () => {
    if (running !== null) again = true;
    else start();
  };
}

/**
 * Points the replica's data connection at its (possibly new) subscriber again, once that one is
 * subscribed: found by name in CLIENT LIST, since in RESP2 subscriber mode it answers nothing else.
 * Returns false when the bus closed or the subscriber did not come back in time.
 */
async function rearmTracking(client: RedisClient, sub: RedisClient, name: string, prefix: string, closed: AbortController): Promise<boolean> {
  for (let poll = 0; poll < REARM_POLLS && !closed.signal.aborted; poll++) {
    if (sub.status === 'ready') {
      const list = String(await client.call('CLIENT', 'LIST'));
      const line = list.split('\n').find((l) => l.includes(` name=${name} `) && / sub=[1-9]/.test(l));
      const found = line === undefined ? null : /^id=(\d+) /.exec(line);
      if (found) {
        // A data connection that kept its tracking (only the subscriber reconnected) refuses the
        // same BCAST prefix twice: off first, then on with the new redirect.
        await client.call('CLIENT', 'TRACKING', 'OFF');
        await trackingOn(client, found[1]!, prefix);
        return true;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, REARM_POLL_MS));
  }
  return false;
}
