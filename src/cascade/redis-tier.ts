import { mgetBuffers } from '../redis/slots.js';
import { redisErrorKind, redisFailure, type CascadeError } from './cascade-error.js';
import { makeCachedValue, type CachedValue } from './cached-value.js';
import type { CascadeCore, SetState } from './core.js';
import type { Trace } from './trace.js';
import { expiriesFromEnvelope } from './ttl-policy.js';

/**
 * The Redis tier: `getBuffer` / `mgetBuffer` (no UTF-8 pass over binary values), decode with the
 * replica's codec, `SET key value PX`. Bad bytes never crash and are never served: they count as
 * `decode-error` and read as a miss, so the fill that follows rewrites the key.
 */

/**
 * Bytes read from `key` as a value, or null for a miss: absent, undecodable or past its hard TTL
 * on this cascade's clock (Redis expires keys on its own clock; tests run on a fake one).
 * `timing` adds the decode time to the trace (polls pass false: their time is lock wait);
 * `startUs`, when the caller just read the clock, saves a read (each costs ~50 ns); `into`, the
 * core's `transientValue` on the miss path, is filled instead of a new value.
 */
export function decodeValue(
  core: CascadeCore,
  set: SetState,
  key: string,
  entity: string,
  bytes: Buffer,
  trace: Trace,
  timing: boolean,
  startUs = timing ? core.clock.nowUs() : 0,
  into: CachedValue | null = null,
): CachedValue | null {
  const slot = core.decodeSlot;
  const values = core.codec.decodeInto(bytes, set.name, slot);
  if (timing) trace.us.decode = core.clock.nowUs() - startUs;
  if (values === null) {
    trace.errorKind = 'decode-error';
    core.stats.decodeErrors++;
    // Schema drift is counted apart: the fill that follows rewrites the key under this reader's layout.
    if (slot.failure?.reason === 'schema-mismatch') core.stats.schemaMismatches++;
    return null;
  }
  const { header } = slot;
  const expiries = expiriesFromEnvelope(set.ttl, header.writtenAtMs, header.softExpiresAtMs, core.expiries);
  if (core.now() >= expiries.hardExpiresAtMs) return null;
  return makeCachedValue(key, entity, values, header.version, header.writtenAtMs, expiries, 0, bytes.length, into);
}

/**
 * One value through the cascade's layout (`fetch`, then `decode`), or null for a miss; then
 * `next(value)` in the same reaction. A read and what follows it (serving, refilling) are one
 * promise step, not three: two async functions nested around the client's promise cost two
 * microtask hops and their promises on every Redis hit (0.75-0.77x of a bare getBuffer at 64 in
 * flight with tensor; 0.79-0.83x as one step). Rejects with a CascadeError (`redis-error` /
 * `redis-timeout`) when the command fails, or answers with `onFailure(thatError)` when given; an
 * error `next` throws passes through as it is. `timing` times the round trip into
 * `trace.us.redisGet` and the decode into `trace.us.decode`.
 */
export function readValue<T = CachedValue | null>(
  core: CascadeCore,
  set: SetState,
  key: string,
  entity: string,
  trace: Trace,
  timing: boolean,
  next: (value: CachedValue | null) => T | PromiseLike<T> = (value) => value as T,
  onFailure?: (failure: CascadeError) => T | PromiseLike<T>,
): Promise<T> {
  if (core.redis === null) return Promise.resolve(next(null));
  const startUs = timing ? core.clock.nowUs() : 0;
  return fetchRaw(core, set, key, entity).then(
    (raw) => next(decodeReply(core, set, key, entity, raw, trace, timing, startUs, null)),
    (error: unknown) => {
      const failure = readFailure(core, key, error, trace, timing, startUs);
      if (onFailure === undefined) throw failure;
      return onFailure(failure);
    },
  );
}

/**
 * The layout's read, unanswered. With `decodeReply` and `readFailure` it is `readValue` in parts,
 * for the miss path, which closes over its own request once instead of handing `readValue` two
 * closures that close over it again (~150 bytes less garbage on every Redis hit).
 */
export function fetchRaw(core: CascadeCore, set: SetState, key: string, entity: string): Promise<unknown> {
  try {
    return core.layout.fetch(core, set, key, entity);
  } catch (error) {
    // A client that throws instead of rejecting still fails the read, not the caller's stack.
    return Promise.reject(error);
  }
}

/** A read's reply as a value (written into `into` when given), or null for a miss; times the round trip (and the decode) when `timing`. */
export function decodeReply(
  core: CascadeCore,
  set: SetState,
  key: string,
  entity: string,
  raw: unknown,
  trace: Trace,
  timing: boolean,
  startUs: number,
  into: CachedValue | null,
): CachedValue | null {
  const replyUs = timing ? core.clock.nowUs() : 0;
  if (timing) trace.us.redisGet = replyUs - startUs;
  return raw === null ? null : core.layout.decode(core, set, key, entity, raw, trace, timing, replyUs, into);
}

/** A read's failure as the CascadeError naming its command; times the round trip when `timing`. */
export function readFailure(core: CascadeCore, key: string, error: unknown, trace: Trace, timing: boolean, startUs: number): CascadeError {
  if (timing) trace.us.redisGet = core.clock.nowUs() - startUs;
  return redisFailure(error, `${core.layout.readCommand} ${key}`);
}

/**
 * MGET several keys in one round trip (a request needing several feature sets: one slot on a
 * cluster, by the entity's hash tag; a preload's many entities: one MGET per slot). Throws a CascadeError on failure.
 */
export async function readMany(core: CascadeCore, keys: string[]): Promise<(Buffer | null)[]> {
  const redis = core.redis;
  if (redis === null) return keys.map(() => null);
  try {
    return await mgetBuffers(redis, keys);
  } catch (error) {
    throw redisFailure(error, `MGET of ${keys.length} keys`);
  }
}

/** SET with the value's remaining hard TTL. A failure is recorded on the trace, never thrown: the get already has its value. */
export function writeValue(core: CascadeCore, key: string, bytes: Buffer, hardExpiresAtMs: number, trace: Trace): Promise<void> {
  return timedWrite(core, key, hardExpiresAtMs, trace, (redis, pxMs) => redis.set(key, bytes, 'PX', pxMs));
}

/**
 * A write-back of `key` by whatever commands `send` issues with the value's remaining hard TTL
 * (`pxMs`): timed into `trace.us.redisSet`, reported to `onRedisWrite`, a failure recorded on the
 * trace and counted, never thrown. Every layout writes through it.
 */
export async function timedWrite(
  core: CascadeCore,
  key: string,
  hardExpiresAtMs: number,
  trace: Trace,
  send: (redis: NonNullable<CascadeCore['redis']>, pxMs: number) => Promise<unknown>,
): Promise<void> {
  const redis = core.redis;
  if (redis === null) return;
  const pxMs = Math.max(1, Math.ceil(hardExpiresAtMs - core.clock.wallMs()));
  const startUs = core.clock.nowUs();
  try {
    await send(redis, pxMs);
    core.onRedisWrite?.(key);
  } catch (error) {
    trace.errorKind = redisErrorKind(error);
    core.stats.writeErrors++;
  } finally {
    trace.us.redisSet = core.clock.nowUs() - startUs;
  }
}
