import type { EncodeStats, EnvelopeHeader, ServedValues } from '../codec/types.js';
import type { CachedValue } from './cached-value.js';
import type { CascadeCore, SetState } from './core.js';
import { decodeValue, readMany, writeValue } from './redis-tier.js';
import type { Trace } from './trace.js';

/**
 * How the Redis tier lays values out: `fcbench` (one string key per feature set and entity holding
 * the codec's envelope) or `feast` (Feast's hash per entity, src/feast/layout.ts). Chosen once per
 * cascade (`cascade.layout`), so the fcbench layout's hot path is the same calls as before plus one
 * property load; nothing branches per request.
 *
 * Keys passed in are the cascade's logical keys (`keyOf(set, entity)` in core.ts): the
 * fcbench layout's Redis keys, and for every layout the name of locks, refreshes and traces.
 * `Raw` is what one (set, entity) read returns before decoding, `Encoded` what a fill writes.
 */
export interface RedisLayout<Raw = unknown, Encoded = unknown> {
  readonly name: 'fcbench' | 'feast';
  /**
   * The one command behind a read of (set, entity), its reply unanswered: what `decode` takes, or
   * null for an absent key. Rejects with the client's error (`readValue` in redis-tier.ts makes it
   * a CascadeError naming `readCommand`). Reads go through `readValue`, not this.
   */
  fetch(core: CascadeCore, set: SetState, key: string, entity: string): Promise<Raw | null>;
  /** What `fetch` sends, for messages: `GET`, `HMGET`. */
  readonly readCommand: string;
  /**
   * The raw values of `keys` in as few round trips as the layout allows. Key j is of set
   * `sets[indexes[j]]` (`sets[0]` when `indexes` is null) and entity `entities` (one for all keys,
   * or one per key): what getMany and preload already hold, so the fcbench layout's calls allocate
   * nothing more. Throws a CascadeError.
   */
  readMany(core: CascadeCore, keys: readonly string[], sets: readonly SetState[], indexes: readonly number[] | null, entities: string | readonly string[]): Promise<(Raw | null)[]>;
  /** A raw value from `fetch` or `readMany` as a cached value, or null (counted as `decodeValue` counts); `startUs` and `into` as in `decodeValue`. */
  decode(core: CascadeCore, set: SetState, key: string, entity: string, raw: Raw, trace: Trace, timing: boolean, startUs?: number, into?: CachedValue | null): CachedValue | null;
  /** A fill's values as the layout writes them; sizes go to `stats`. */
  encode(core: CascadeCore, set: SetState, header: EnvelopeHeader, values: ServedValues, stats: EncodeStats): Encoded;
  /** Writes `encoded` with the value's remaining hard TTL; failures go on the trace, never thrown. */
  write(core: CascadeCore, set: SetState, key: string, entity: string, encoded: Encoded, hardExpiresAtMs: number, trace: Trace): Promise<void>;
  /** Removes one set's value of one entity from Redis (expire-hot). */
  remove(core: CascadeCore, set: SetState, key: string, entity: string): Promise<void>;
}

/** fcbench's own layout: the functions of redis-tier.ts, unchanged. */
export const FCBENCH_LAYOUT: RedisLayout<Buffer, Buffer> = {
  name: 'fcbench',
  fetch: (core, _set, key) => core.redis!.getBuffer(key),
  readCommand: 'GET',
  readMany: (core, keys) => readMany(core, keys as string[]),
  decode: decodeValue,
  encode: (core, _set, header, values, stats) => core.codec.encode(header, values, stats),
  write: (core, _set, key, _entity, bytes, hardExpiresAtMs, trace) => writeValue(core, key, bytes, hardExpiresAtMs, trace),
  async remove(core, _set, key) {
    await core.redis?.del(key);
  },
};
