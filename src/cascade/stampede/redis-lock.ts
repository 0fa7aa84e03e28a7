import type { RedisClient } from '../../redis/client.js';
import { CascadeError, redisFailure } from '../cascade-error.js';
import { storeLocal } from '../local-tier.js';
import { lockKeyFor } from '../key-scheme.js';
import type { ResolvedStampede } from '../options.js';
import { staleReasonAt } from '../ttl-policy.js';
import { Flights, joinFlight } from './flights.js';
import type { Loaded, LoadRequest, StampedeFactory } from './types.js';

/** Poll backoff doubles from `pollInterval` up to this multiple of it. */
export const POLL_BACKOFF_CAP = 8;

/** Deletes the lock only if it still holds our token: a holder whose lock expired must not free another's. */
const RELEASE_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

type LockOptions = Extract<ResolvedStampede, { strategy: 'redis-lock' }>;

/**
 * One source fetch per key across replicas: `SET lock token NX PX lockTtl`; the winner re-reads the
 * value (another holder may have just written it), fetches, writes, releases with a compare-and-
 * delete. Others poll the value key with doubling backoff up to `wait`, trying to take the lock
 * over when it is free but no value appeared (holder crashed or failed), then act per `onTimeout`.
 * In-replica single flight in front, so a replica sends one lock attempt per key.
 */
export const createRedisLock: StampedeFactory = (options, deps) => {
  const lock = options as LockOptions;
  const flights = new Flights();
  const { core } = deps;

  const tryLock = async (redis: RedisClient, lockKey: string, token: string): Promise<boolean> => {
    try {
      return (await redis.set(lockKey, token, 'PX', lock.lockTtlMs, 'NX')) === 'OK';
    } catch (error) {
      throw redisFailure(error, `SET NX ${lockKey}`);
    }
  };

  const holding = async (redis: RedisClient, request: LoadRequest, lockKey: string, token: string): Promise<Loaded> => {
    core.stats.locksAcquired++;
    try {
      const written = await deps.readFresh(request);
      if (written !== null) {
        storeLocal(core, request.set, written);
        return { value: written, servedBy: 'redis', stale: false };
      }
      return await deps.fill(request, request.trace);
    } finally {
      // A failed release is harmless: the lock expires after lockTtl.
      await redis.eval(RELEASE_SCRIPT, 1, lockKey, token).catch(() => undefined);
    }
  };

  const waitForHolder = async (redis: RedisClient, request: LoadRequest, lockKey: string, token: string): Promise<Loaded> => {
    const { clock } = core;
    const trace = request.trace;
    trace.waited = true;
    core.stats.lockWaits++;
    const startUs = clock.nowUs();
    const deadlineUs = startUs + lock.waitMs * 1000;
    let intervalMs = lock.pollIntervalMs;
    try {
      for (let leftUs = deadlineUs - startUs; leftUs > 0; leftUs = deadlineUs - clock.nowUs()) {
        await clock.sleepMs(Math.min(intervalMs, leftUs / 1000));
        intervalMs = Math.min(intervalMs * 2, lock.pollIntervalMs * POLL_BACKOFF_CAP);
        const written = await deps.readFresh(request);
        if (written !== null) {
          storeLocal(core, request.set, written);
          return { value: written, servedBy: 'redis', stale: false };
        }
        if (await tryLock(redis, lockKey, token)) return await holding(redis, request, lockKey, token);
      }
    } finally {
      trace.us.lockWait += clock.nowUs() - startUs;
    }
    core.stats.lockTimeouts++;
    return onTimeout(request);
  };

  const onTimeout = (request: LoadRequest): Promise<Loaded> | Loaded => {
    const timeout = new CascadeError('lock-timeout', `no value for ${request.key} within ${lock.waitMs} ms of waiting for the lock holder`);
    if (lock.onTimeout === 'bypass') return deps.fill(request, request.trace);
    const held = request.held;
    const now = core.now();
    if (lock.onTimeout === 'serve-stale' && held !== undefined && now < held.hardExpiresAtMs) {
      request.trace.errorKind = 'lock-timeout';
      return { value: held, servedBy: 'local', stale: staleReasonAt(held.softExpiresAtMs, now) };
    }
    throw timeout;
  };

  const lockAndLoad = async (request: LoadRequest): Promise<Loaded> => {
    const redis = core.redis;
    if (redis === null || !request.useRedis) return deps.fill(request, request.trace);
    const lockKey = lockKeyFor(core.options.keyPrefix, request.key);
    const token = `${core.replicaId}:${(core.tokenRng.next() * 2 ** 32).toString(36)}${(core.tokenRng.next() * 2 ** 32).toString(36)}`;
    if (await tryLock(redis, lockKey, token)) return holding(redis, request, lockKey, token);
    return waitForHolder(redis, request, lockKey, token);
  };

  return {
    name: 'redis-lock',
    load(request) {
      const running = flights.get(request.key);
      if (running !== undefined) return joinFlight(running, request.trace, core.clock);
      return flights.start(request.key, () => lockAndLoad(request));
    },
  };
};

