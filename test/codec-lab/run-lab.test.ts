import { beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/cascade/clock.js';
import { createCodec } from '../../src/codec/index.js';
import { labCodecs } from '../../src/codec-lab/lab-codecs.js';
import { LARGE_PAYLOAD, LAB_FEATURE_SET, payloadForSize, sampleValues, SMALL_PAYLOAD } from '../../src/codec-lab/lab-payloads.js';
import type { CodecRow, CodecsResult } from '../../src/codec-lab/lab-types.js';
import { runCodecLab } from '../../src/codec-lab/run-lab.js';
import { renderCodecsReport } from '../../src/report/codecs-report.js';
import { countByPrefix } from '../../src/redis/cleanup.js';
import { usePrivateRedis } from '../helpers/redis.js';

const redisServer = usePrivateRedis();
/** The smallest budgets tinybench takes: these tests check what is measured, never how fast. */
const BUDGET = { taskTimeMs: 1, warmupTimeMs: 1 };
const ENV = { node: process.version, platform: process.platform, cpus: 2 };

describe('every format x compression x level', () => {
  const codecs = labCodecs();
  it('is 3 formats x 8 compressions (none, deflate/gzip/zstd at two levels, lz4)', () => {
    expect(codecs).toHaveLength(24);
    expect(new Set(codecs.map((c) => `${c.format}/${c.compression}/${c.level}`)).size).toBe(24);
  });

  it.each(codecs.map((c) => [`${c.format}+${c.compression}-${c.level}`, c] as const))('%s round-trips small and large', (_label, c) => {
    for (const payload of [SMALL_PAYLOAD, LARGE_PAYLOAD]) {
      const codec = createCodec({ format: c.format, compression: c.compression, compressAboveBytes: 0, ...(c.level === null ? {} : { level: c.level }), layouts: { [LAB_FEATURE_SET]: payload.spec } });
      for (const values of sampleValues(payload.spec, 3)) {
        const decoded = codec.decode(codec.encode({ featureSet: LAB_FEATURE_SET, version: 'v1', writtenAtMs: 1, softExpiresAtMs: 0 }, values), LAB_FEATURE_SET);
        expect(decoded.ok).toBe(true);
        if (decoded.ok && c.format !== 'tensor') expect(decoded.value.values).toEqual(values);
      }
    }
  });
});

describe('the size sweep', () => {
  it('finds payloads of about each serialized size, growing with it', () => {
    const sizes = [256, 1024, 4096, 16_384, 65_536];
    const measured = sizes.map((bytes) => {
      const codec = createCodec({ format: 'msgpack', compression: 'none', compressAboveBytes: 0 });
      const stats = { rawBytes: 0, encodedBytes: 0, compressed: false };
      codec.encode({ featureSet: LAB_FEATURE_SET, version: 'v1', writtenAtMs: 0, softExpiresAtMs: 0 }, sampleValues(payloadForSize(bytes, 'x').spec, 1)[0]!, stats);
      return stats.rawBytes;
    });
    measured.forEach((raw, i) => {
      expect(raw).toBeGreaterThanOrEqual(sizes[i]!);
      expect(raw).toBeLessThan(sizes[i]! * 1.1 + 16);
    });
  });
});

describe('runCodecLab against a real Redis', () => {
  let result: CodecsResult;
  const row = (payload: string, format: string, compression: string, level: number | null = null): CodecRow => {
    const found = result.codecs.find((r) => r.payload === payload && r.format === format && r.compression === compression && r.level === level);
    if (found === undefined) throw new Error(`no row ${payload} ${format} ${compression} ${level}`);
    return found;
  };

  beforeAll(async () => {
    const client = await redisServer.client();
    const redis = { client, keyPrefix: 'lab-test' };
    result = await runCodecLab(
      { payloads: [SMALL_PAYLOAD, LARGE_PAYLOAD], sizes: [1024, 16_384], bandwidthBitsPerSec: 1e10, budget: BUDGET, samples: 4 },
      { redis, redisInfo: { url: redisServer.url, version: '7' }, notes: [], clock: systemClock, toolVersion: 'test', env: ENV },
    );
  }, 60_000);

  it('has a row per codec per payload, and msgpack rows per sweep size, with the documented fields', () => {
    expect(result.kind).toBe('codecs');
    expect(result.codecs).toHaveLength(24 * 2 + 8 * 2);
    const keys = ['format', 'compression', 'level', 'payload', 'rawBytes', 'encodedBytes', 'encodeNs', 'decodeNs', 'encodeNsP99', 'decodeNsP99', 'roundTripUs', 'redisBytes'];
    for (const r of result.codecs) {
      expect(Object.keys(r)).toEqual(expect.arrayContaining(keys));
      expect(r.roundTripUs).toBeGreaterThan(0);
      expect(r.redisBytes).toBeGreaterThanOrEqual(r.encodedBytes);
    }
    expect(result.codecs.filter((r) => r.payload === '16KB').map((r) => r.format)).toEqual(Array(8).fill('msgpack'));
    expect(result.crossover.map((c) => `${c.compression}-${c.level}`)).toEqual(['deflate-1', 'deflate-6', 'gzip-1', 'gzip-6', 'zstd-1', 'zstd-3', 'lz4-null']);
  });

  it('msgpack is smaller than JSON on the small payload; tensor smaller still', () => {
    expect(row('small', 'msgpack', 'none').encodedBytes).toBeLessThan(row('small', 'json', 'none').encodedBytes);
    expect(row('small', 'tensor', 'none').encodedBytes).toBeLessThan(row('small', 'msgpack', 'none').encodedBytes);
  });

  it('every compressor makes json and msgpack smaller on the large payload', () => {
    for (const format of ['json', 'msgpack']) {
      const plain = row('large', format, 'none').encodedBytes;
      for (const r of result.codecs.filter((x) => x.payload === 'large' && x.format === format && x.compression !== 'none')) {
        expect(r.encodedBytes, `${format}+${r.compression}-${r.level}`).toBeLessThan(plain);
      }
    }
  });

  it('writes only under the prefix it was given (its caller deletes it), and renders a report with a bar chart per measure', async () => {
    expect(await countByPrefix(await redisServer.client(), 'lab-test')).toBeGreaterThan(0);
    const page = renderCodecsReport(result);
    for (const kind of ['codec-size', 'codec-decode', 'codec-cost']) expect(page.match(new RegExp(`data-chart="${kind}"`, 'g'))).toHaveLength(2);
    expect(page).toContain('Crossover');
  });
});
