import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/cascade/clock.js';
import { newTrace } from '../../src/cascade/trace.js';
import { createCodec } from '../../src/codec/index.js';
import { usePrivateRedis } from '../helpers/redis.js';
import { cascadeOptions, payload, replica, simulatedSource, watchUnhandledRejections } from './fixture.js';

const redisServer = usePrivateRedis();
const unhandled = watchUnhandledRejections();

const header = (clock: FakeClock) => ({ featureSet: 'credit', version: 'v1', writtenAtMs: clock.wallMs(), softExpiresAtMs: 0 });

describe('decode errors', () => {
  const cases: Array<[string, (clock: FakeClock) => Buffer]> = [
    ['corrupt bytes', () => Buffer.from('definitely not an fcbench value')],
    [
      'a truncated value',
      (clock) => {
        const whole = createCodec({ format: 'msgpack', compression: 'none', compressAboveBytes: 0 }).encode(header(clock), payload('e1', 'credit', 'v1'));
        return whole.subarray(0, Math.floor(whole.length / 2));
      },
    ],
    [
      'a value written by another codec',
      (clock) => createCodec({ format: 'json', compression: 'zstd', compressAboveBytes: 0 }).encode(header(clock), { stale: 1 }),
    ],
    [
      'a value of another feature set',
      (clock) => createCodec({ format: 'msgpack', compression: 'none', compressAboveBytes: 0 }).encode({ ...header(clock), featureSet: 'risk' }, { other: 2 }),
    ],
  ];

  it.each(cases)('%s: counted as decode-error, refetched, served from the source, key rewritten', async (_name, bytes) => {
    const clock = new FakeClock();
    const source = simulatedSource(clock);
    const options = cascadeOptions({ local: { enabled: false } });
    const redis = await redisServer.client();
    const cascade = replica(options, { redis, source, clock });
    const key = cascade.keyFor('e1', 'credit');
    await redis.set(key, bytes(clock));

    const trace = newTrace();
    expect(await cascade.get('e1', 'credit', trace)).toEqual(payload('e1', 'credit', 'v1'));
    expect(trace).toMatchObject({ errorKind: 'decode-error', failed: false, servedBy: 'source', originCalls: 1, outcome: { redis: 'miss', source: 'hit' } });
    expect(cascade.stats().decodeErrors).toBe(1);

    const rewritten = createCodec(options.codec).decode((await redis.getBuffer(key)) as Buffer, 'credit');
    expect(rewritten.ok && rewritten.value.values).toEqual(payload('e1', 'credit', 'v1'));
    const next = newTrace();
    await cascade.get('e1', 'credit', next);
    expect(next).toMatchObject({ errorKind: null, servedBy: 'redis', outcome: { redis: 'hit' } });
    expect(source.stats().calls).toBe(1);
    await cascade.close();
    expect(unhandled).toEqual([]);
  });

  it('getMany treats a bad value in the MGET like get does', async () => {
    const clock = new FakeClock();
    const source = simulatedSource(clock);
    const options = cascadeOptions({ local: { enabled: false }, featureSets: [{ name: 'credit', version: 'v1', ttl: { hardMs: 60_000 } }, { name: 'risk', version: 'v1', ttl: { hardMs: 60_000 } }] });
    const redis = await redisServer.client();
    const cascade = replica(options, { redis, source, clock });
    await cascade.get('e1', 'risk', newTrace());
    await redis.set(cascade.keyFor('e1', 'credit'), Buffer.from([0xfc, 0xb1, 1]));
    const traces = [newTrace(), newTrace()];
    expect(await cascade.getMany('e1', ['credit', 'risk'], traces)).toEqual([payload('e1', 'credit', 'v1'), payload('e1', 'risk', 'v1')]);
    expect(traces.map((t) => [t.servedBy, t.errorKind])).toEqual([['source', 'decode-error'], ['redis', null]]);
    await cascade.close();
  });
});
