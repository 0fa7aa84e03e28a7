import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/cascade/clock.js';
import { newTrace } from '../../src/cascade/trace.js';
import { createCodec } from '../../src/codec/index.js';
import { fieldsOfSpec } from '../../src/codec/tensor-layout.js';
import type { CodecOptions, TensorField, TensorValues } from '../../src/codec/types.js';
import { usePrivateRedis } from '../helpers/redis.js';
import { cascadeOptions, freshPrefix, payload, replica, simulatedSource, SPEC, watchUnhandledRejections } from './fixture.js';

const redisServer = usePrivateRedis();
const unhandled = watchUnhandledRejections();

/** The fixture's payload spec as tensor fields, with one feature's type changed: i1 becomes a float. */
const driftedFields: TensorField[] = fieldsOfSpec(SPEC, 'test').map((f) => (f.name === 'i1' ? { name: 'i1', type: 'float' } : f));

const tensor = (layout: CodecOptions['layouts']): CodecOptions => ({ format: 'tensor', compression: 'none', compressAboveBytes: 0, layouts: layout });

describe('schema drift between an offline writer and an online reader (codec.format tensor)', () => {
  it('a value written under another layout is a schema-mismatch: counted, refetched, rewritten under the reader\'s layout', async () => {
    const clock = new FakeClock();
    const redis = await redisServer.client();
    const keyPrefix = freshPrefix();
    const writerOptions = cascadeOptions({ local: { enabled: false }, redis: { keyPrefix }, codec: tensor({ credit: SPEC }) });
    const readerOptions = cascadeOptions({ local: { enabled: false }, redis: { keyPrefix }, codec: tensor({ credit: { fields: driftedFields } }) });
    const writer = replica(writerOptions, { redis, source: simulatedSource(clock), clock });
    await writer.get('e1', 'credit', newTrace());

    const readerSource = simulatedSource(clock);
    const reader = replica(readerOptions, { redis, source: readerSource, clock, replicaId: 1 });
    const trace = newTrace();
    expect(await reader.get('e1', 'credit', trace)).toEqual(payload('e1', 'credit', 'v1'));
    expect(trace).toMatchObject({ errorKind: 'decode-error', servedBy: 'source', outcome: { redis: 'miss', source: 'hit' } });
    expect(reader.stats()).toMatchObject({ decodeErrors: 1, schemaMismatches: 1 });

    const stored = (await redis.getBuffer(reader.keyFor('e1', 'credit'))) as Buffer;
    expect(createCodec(writerOptions.codec).decode(stored, 'credit')).toMatchObject({ ok: false, reason: 'schema-mismatch' });
    const next = newTrace();
    const served = (await reader.get('e1', 'credit', next)) as TensorValues;
    expect(next).toMatchObject({ errorKind: null, servedBy: 'redis' });
    expect(served.kind).toBe('tensor');
    expect(served.floats.length).toBe(SPEC.floats + 1); // i1 is a float now
    expect(readerSource.stats().calls).toBe(1);
    expect(reader.stats().schemaMismatches).toBe(1);
    await Promise.all([writer.close(), reader.close()]);
    expect(unhandled).toEqual([]);
  });
});
