import { badInput } from '../errors.js';

/**
 * Feast's Redis key for one entity: `serialize_entity_key` (entity key serialization version 3)
 * followed by the project's UTF-8, as `_redis_key` in feast/infra/online_stores/helpers.py builds
 * it. For one join key:
 *
 *     u32le 1 | u32le ValueType.STRING | u32le len | join key | u32le type | u32le len | value | project
 *
 * (The RedisKeyV2 protobuf in Feast's online_store_format.md is the older layout; the SDK has
 * written this one since entity key serialization v2/v3.) One join key only: fcbench requests
 * name one entity.
 */

/** How the entity's value is typed in Feast: `string` (ValueType.STRING) or `int64` (ValueType.INT64, 8 bytes little-endian). */
export type FeastEntityType = 'string' | 'int64';

/** Feast's ValueType enum numbers (protos/feast/types/Value.proto) of the entity values we write. */
const VALUE_TYPE = { string: 2, int32: 3, int64: 4 } as const;
const INT64_RE = /^-?\d{1,19}$/;

function u32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32LE(n);
  return b;
}

/** The bytes of the entity's value and their ValueType; an int64 entity must be a decimal integer. */
function entityValueBytes(entity: string, type: FeastEntityType | 'int32'): Buffer {
  if (type === 'string') return Buffer.from(entity, 'utf8');
  if (!INT64_RE.test(entity)) throw badInput(`cascade.feast.entityType ${type}: entity ${JSON.stringify(entity)} is not a decimal integer`);
  if (type === 'int32') {
    const b = Buffer.allocUnsafe(4);
    b.writeInt32LE(Number(entity));
    return b;
  }
  const b = Buffer.allocUnsafe(8);
  b.writeBigInt64LE(BigInt(entity));
  return b;
}

/** Everything before the entity's value bytes: fixed per join key and type, built once. */
export function entityKeyHead(joinKey: string, type: FeastEntityType | 'int32', valueLength: number): Buffer {
  const name = Buffer.from(joinKey, 'utf8');
  return Buffer.concat([u32(1), u32(VALUE_TYPE.string), u32(name.length), name, u32(VALUE_TYPE[type]), u32(valueLength)]);
}

/** `serialize_entity_key` of one join key (version 3). */
export function serializeEntityKey(joinKey: string, entity: string, type: FeastEntityType | 'int32'): Buffer {
  const value = entityValueBytes(entity, type);
  return Buffer.concat([entityKeyHead(joinKey, type, value.length), value]);
}

/** The Redis key of `entity` in `project`: a binary key (ioredis sends Buffers as they are). */
export function feastRedisKey(project: string, joinKey: string, entity: string, type: FeastEntityType | 'int32'): Buffer {
  return Buffer.concat([serializeEntityKey(joinKey, entity, type), Buffer.from(project, 'utf8')]);
}

/**
 * Whether `key` is a version-3 Feast key of `project` with exactly one join key: a SCAN for
 * `*project` also matches keys of a project whose name ends with ours, and fcbench must delete
 * only its own.
 */
export function isProjectKey(key: Buffer, project: string): boolean {
  if (key.length < 12 || key.readUInt32LE(0) !== 1 || key.readUInt32LE(4) !== VALUE_TYPE.string) return false;
  const valueHeadAt = 12 + key.readUInt32LE(8);
  if (key.length < valueHeadAt + 8) return false;
  const projectAt = valueHeadAt + 8 + key.readUInt32LE(valueHeadAt + 4);
  return projectAt <= key.length && key.subarray(projectAt).toString('utf8') === project;
}
