import { describe, expect, it } from 'vitest';
import { feastRedisKey, isProjectKey, serializeEntityKey } from '../../src/feast/entity-key.js';
import { feastKeyBuilder } from '../../src/feast/redis-key.js';
import { hex, vectors } from './vectors.js';

describe("Feast's entity key", () => {
  it.each(vectors.redisKeys)('the Redis key of $joinKey=$entity in project $project is Feast\'s ($from)', (v) => {
    expect(feastRedisKey(v.project, v.joinKey, v.entity, v.entityType)).toEqual(hex(v.hex));
  });

  it.each(vectors.entityKeys)('serialize_entity_key of $joinKey=$entity ($entityType) is Feast\'s ($from)', (v) => {
    expect(serializeEntityKey(v.joinKey, v.entity, v.entityType)).toEqual(hex(v.hex));
  });

  it('the cascade\'s key builder gives the same bytes as the one-off serialization, for string and int64 entities', () => {
    const strings = feastKeyBuilder({ project: 'proj', joinKey: 'entity_id', entityType: 'string' });
    for (const entity of ['7', '12345', 'ünïcode']) expect(strings(entity)).toEqual(feastRedisKey('proj', 'entity_id', entity, 'string'));
    const ints = feastKeyBuilder({ project: 'test', joinKey: 'driver_id', entityType: 'int64' });
    expect(ints('1001').subarray(0, -4)).toEqual(hex(vectors.entityKeys[0]!.hex));
  });

  it('an int64 entity that is not a decimal integer is bad input, not a wrong key', () => {
    expect(() => serializeEntityKey('driver_id', 'abc', 'int64')).toThrow(/not a decimal integer/);
  });

  it("recognises exactly its project's keys, not a project whose name ends with it", () => {
    const key = feastRedisKey('fcb:run1', 'entity_id', '42', 'string');
    expect(isProjectKey(key, 'fcb:run1')).toBe(true);
    expect(isProjectKey(feastRedisKey('xfcb:run1', 'entity_id', '42', 'string'), 'fcb:run1')).toBe(false);
    expect(isProjectKey(Buffer.from('fcb:run1'), 'fcb:run1')).toBe(false);
  });
});
