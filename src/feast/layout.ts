import { badInput } from '../errors.js';
import type { EncodeStats, EnvelopeHeader, ServedValues } from '../codec/types.js';
import type { FeatureValues, PayloadSpec } from '../workload/types.js';
import { makeCachedValue, type CachedValue } from '../cascade/cached-value.js';
import { redisFailure } from '../cascade/cascade-error.js';
import { timedWrite } from '../cascade/redis-tier.js';
import { pipelineByNode } from '../redis/slots.js';
import type { CascadeCore, SetState } from '../cascade/core.js';
import type { RedisLayout } from '../cascade/redis-layout.js';
import type { Trace } from '../cascade/trace.js';
import { feastKeyBuilder, type FeastKeyOptions } from './redis-key.js';
import { feastView, type FeastView } from './feature-view.js';
import { decodeTimestamp, decodeValue, encodeTimestamp, encodeValue } from './value-proto.js';

/**
 * `cascade.layout: feast`: the Redis tier reads and writes Feast's Redis online store format
 * (docs/specs/online_store_format.md and sdk/python/feast/infra/online_stores/redis.py in
 * feast-dev/feast). The mapping of a scenario onto Feast:
 *
 *   project      = the run's key prefix (`cascade.redis.keyPrefix`; with `shared: true` exactly as given)
 *   entity key   = one join key (`cascade.feast.joinKey`, default `entity_id`) whose value is the entity id
 *   feature view = the feature set's name; features = its payload names (feature-view.ts)
 *   _ts:<view>   = the value's event time: when fcbench fetched it from its source (or Feast's row time)
 *   TTL          = PEXPIRE on the entity's hash after each write, Feast's `key_ttl_seconds`: it covers
 *                  every view of the entity, so a write of one view extends the others too
 *
 * There is no fcbench envelope: no version (a value reads as the set's configured version), no
 * written-at apart from `_ts`, no soft expiry. A value read from a hash is served for the set's
 * hard TTL from the read (Redis's expiry of the hash is what ends it there). A hash with any of
 * the view's features missing reads as a miss (the fill rewrites the view); bytes that are not a
 * `Value` count as decode errors, as a bad envelope does.
 */

/** `Raw` of this layout: the view's field replies, then `_ts`. */
type FieldReplies = readonly (Buffer | null)[];
/** `Encoded`: HSET's field/value arguments, `_ts` included. */
type FieldValues = Buffer[];

export interface FeastLayoutOptions extends FeastKeyOptions {
  /** Each feature set's payload spec, by name (`codec.layouts` of the cascade options). */
  payloads: Readonly<Record<string, PayloadSpec>>;
}

export function createFeastLayout(options: FeastLayoutOptions): RedisLayout<FieldReplies, FieldValues> {
  const views = new Map<string, FeastView>();
  for (const [name, spec] of Object.entries(options.payloads)) views.set(name, feastView(name, spec));
  const viewOf = (set: SetState): FeastView => views.get(set.name) ?? missingView(set.name);
  const keyOf = feastKeyBuilder(options);

  const decode = (
    core: CascadeCore,
    set: SetState,
    key: string,
    entity: string,
    replies: FieldReplies,
    trace: Trace,
    timing: boolean,
    startUs = timing ? core.clock.nowUs() : 0,
    into: CachedValue | null = null,
  ): CachedValue | null => {
    const view = viewOf(set);
    const n = view.fields.length;
    for (let i = 0; i < n; i++) if (replies[i] === null || replies[i] === undefined) return null;
    let values: FeatureValues;
    let eventMs: number;
    let bytes = 0;
    try {
      const decoded = new Array<unknown>(n);
      for (let i = 0; i < n; i++) {
        const reply = replies[i] as Buffer;
        bytes += reply.length;
        decoded[i] = decodeValue(reply);
      }
      values = view.build(decoded);
      const ts = replies[n];
      eventMs = ts === null || ts === undefined ? core.now() : decodeTimestamp(ts);
    } catch {
      if (timing) trace.us.decode = core.clock.nowUs() - startUs;
      trace.errorKind = 'decode-error';
      core.stats.decodeErrors++;
      return null;
    }
    if (timing) trace.us.decode = core.clock.nowUs() - startUs;
    const expiries = { hardExpiresAtMs: core.now() + set.ttl.hardMs, softExpiresAtMs: 0 };
    return makeCachedValue(key, entity, values, set.version, eventMs, expiries, 0, bytes, into);
  };

  return {
    name: 'feast',
    fetch: (core, set, _key, entity) => core.redis!.hmgetBuffer(keyOf(entity), ...viewOf(set).readFields),
    readCommand: 'HMGET',

    // One HMGET per distinct entity (its hash holds every view's fields): a request for several
    // sets is one command, a preload's many entities one pipeline.
    async readMany(core, keys, sets, indexes, entities) {
      const redis = core.redis;
      if (redis === null) return keys.map(() => null);
      const setAt = (j: number): SetState => sets[indexes === null ? 0 : indexes[j]!]!;
      const byEntity = new Map<string, number[]>();
      for (let j = 0; j < keys.length; j++) {
        const entity = typeof entities === 'string' ? entities : entities[j]!;
        const group = byEntity.get(entity);
        if (group === undefined) byEntity.set(entity, [j]);
        else group.push(j);
      }
      const groups = [...byEntity.entries()];
      const fieldsOf = (group: number[]) => group.flatMap((j) => viewOf(setAt(j)).readFields);
      let replies: (Buffer | null)[][];
      try {
        if (groups.length === 1) {
          replies = [await redis.hmgetBuffer(keyOf(groups[0]![0]), ...fieldsOf(groups[0]![1]))];
        } else {
          const redisKeys = groups.map(([entity]) => keyOf(entity));
          replies = (await pipelineByNode(redis, redisKeys, (pipeline, g) => pipeline.hmgetBuffer(redisKeys[g]!, ...fieldsOf(groups[g]![1])))).map(([error, reply]) => {
            if (error !== null) throw error;
            return reply as (Buffer | null)[];
          });
        }
      } catch (error) {
        throw redisFailure(error, `HMGET of ${byEntity.size} Feast rows`);
      }
      const out = new Array<FieldReplies | null>(keys.length);
      groups.forEach(([, group], g) => {
        let at = 0;
        for (const j of group) {
          const width = viewOf(setAt(j)).readFields.length;
          out[j] = replies[g]!.slice(at, at + width);
          at += width;
        }
      });
      return out;
    },

    decode,

    encode(_core, set, header: EnvelopeHeader, values: ServedValues, stats: EncodeStats) {
      const encoded = encodeFeastRow(viewOf(set), values as FeatureValues, header.writtenAtMs);
      let size = 0;
      for (let i = 1; i < encoded.length; i += 2) size += encoded[i]!.length;
      stats.rawBytes = size;
      stats.encodedBytes = size;
      stats.compressed = false;
      return encoded;
    },

    write(core, _set, key, entity, encoded, hardExpiresAtMs, trace) {
      return timedWrite(core, key, hardExpiresAtMs, trace, async (redis, pxMs) => {
        const redisKey = keyOf(entity);
        const replies = (await redis.pipeline().hset(redisKey, ...encoded).pexpire(redisKey, pxMs).exec()) ?? [];
        for (const [error] of replies) if (error !== null) throw error;
      });
    },

    async remove(core, set, _key, entity) {
      await core.redis?.hdel(keyOf(entity), ...viewOf(set).readFields);
    },
  };
}

/** HSET arguments of one row: each feature's field and `Value` bytes, then `_ts:<view>` and its Timestamp. */
export function encodeFeastRow(view: FeastView, values: FeatureValues, eventMs: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < view.features.length; i++) {
    out.push(view.fields[i]!, encodeValue(view.kinds[i]!, values[view.features[i]!]));
  }
  out.push(view.tsField, encodeTimestamp(eventMs));
  return out;
}

function missingView(name: string): never {
  throw badInput(`cascade.layout feast: feature set ${JSON.stringify(name)} has no payload spec to name its Feast features`);
}
