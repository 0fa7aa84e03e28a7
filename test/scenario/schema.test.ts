import { describe, expect, it } from 'vitest';
import { FcbenchError } from '../../src/errors.js';
import { parseScenario } from '../../src/scenario/validate.js';

/** Every problem line for a raw scenario, or [] if it is valid. */
function problemsOf(raw: unknown): string[] {
  try {
    parseScenario(raw);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(FcbenchError);
    expect((error as FcbenchError).code).toBe('bad-input');
    return [...(error as FcbenchError).details];
  }
}

describe('scenario schema: defaults', () => {
  it('fills every documented default from just a name (durations in ms, sizes in bytes)', () => {
    expect(parseScenario({ name: 'x' })).toEqual({
      name: 'x',
      seed: 1,
      duration: 30_000,
      warmup: 0,
      keys: { entities: 100_000, distribution: { kind: 'zipf', exponent: 0.99, scramble: true } },
      featureSets: [
        { name: 'features', version: 'v1', payload: { floats: 50, ints: 8, strings: 2, embedding: 0, stringLength: 12, categorical: 0, cardinality: 16 }, ttl: { hard: 900_000, jitter: 0 }, weight: 1 },
      ],
      request: { featureSets: 'one' },
      codec: { format: 'msgpack', compression: 'none', compressAbove: 0, level: 1, dtype: 'float32' },
      cascade: {
        implementation: 'fcbench',
        replicas: 1,
        routing: 'random',
        local: { enabled: true, maxEntries: 10_000, ttl: 30_000, invalidation: 'ttl' },
        redis: { url: 'auto', keyPrefix: 'fcb', commandTimeout: 500, connectTimeout: 2000, autoPipelining: false, shared: false, keepKeys: false, allowRemote: false, pointerRefresh: 100 },
        source: { kind: 'simulated', latency: { p50: 5, p99: 25 }, concurrency: 64, errorRate: 0, timeout: 5000 },
        layout: 'fcbench',
      },
      stampede: { strategy: 'single-flight' },
      failurePolicy: 'serve-stale',
      load: { mode: 'closed', concurrency: 16, thinkTime: 0 },
      events: [],
      cost: { sourcePerMillionReads: 0.25, redisNodePerHour: 0.226, redisNodeMemory: 6 * 1024 ** 3, computePerVcpuHour: 0.04 },
      thresholds: {},
      matrix: {},
      metrics: { mrc: true },
    });
  });

  it('fills defaults inside variants chosen by their discriminator', () => {
    const s = parseScenario({
      name: 'x',
      keys: { distribution: { kind: 'hotspot' } },
      stampede: { strategy: 'redis-lock' },
      load: { mode: 'open', rate: 100 },
      events: [{ kind: 'expire-hot', at: '1s' }, { kind: 'source-slowdown', at: '2s', for: '500ms' }],
      featureSets: [{ name: 'a', ttl: { hard: '1m', soft: '30s', earlyRefresh: { kind: 'xfetch' } } }],
    });
    expect(s.keys.distribution).toEqual({ kind: 'hotspot', hotFraction: 0.2, hotShare: 0.8 });
    expect(s.stampede).toEqual({ strategy: 'redis-lock', lockTtl: 2000, wait: 200, pollInterval: 5, onTimeout: 'serve-stale' });
    expect(s.load).toEqual({ mode: 'open', rate: 100, arrivals: 'poisson', maxInFlight: 1024 });
    expect(s.events).toEqual([
      { kind: 'expire-hot', at: 1000, top: 10, expiry: 'hard' },
      { kind: 'source-slowdown', at: 2000, factor: 5, for: 500 },
    ]);
    expect(s.featureSets[0]?.ttl).toEqual({ hard: 60_000, soft: 30_000, jitter: 0, earlyRefresh: { kind: 'xfetch', beta: 1 } });
  });

  it('accepts every documented alternative', () => {
    const s = parseScenario({
      name: 'x',
      warmup: { requests: 500 },
      keys: { distribution: { kind: 'latest' } },
      cascade: { source: { kind: 'simulated', latency: { min: '1ms', max: '3ms' } }, local: { maxBytes: '64MB' } },
      codec: { compression: 'zstd', level: 19, compressAbove: '2KB' },
      thresholds: { 'latency.endToEnd.p99': '< 15ms', 'freshness.staleRatio': '< 5%' },
      matrix: { 'codec.format': ['json', 'msgpack'] },
    });
    expect(s.warmup).toEqual({ requests: 500 });
    expect(s.keys.distribution).toEqual({ kind: 'latest', exponent: 0.99 });
    expect(s.cascade.source.latency).toEqual({ min: 1, max: 3 });
    expect(s.cascade.local.maxBytes).toBe(64 * 1024 ** 2);
    expect(s.codec.compressAbove).toBe(2048);
    expect(s.thresholds['latency.endToEnd.p99']).toBe('< 15ms');
    expect(parseScenario({ name: 'x', cascade: { source: { kind: 'simulated', latency: { fixed: '0ms' } } } }).cascade.source.latency).toEqual({ fixed: 0 });
    expect(parseScenario({ name: 'x', keys: { distribution: { kind: 'zipf', exponent: 1 } } }).keys.distribution).toMatchObject({ exponent: 1 });
    expect(parseScenario({ name: 'x', keys: { distribution: { kind: 'zipf', exponent: 0.5 } } }).keys.distribution).toMatchObject({ exponent: 0.5 });
  });

  it('does not mutate its input', () => {
    const raw = { name: 'x', duration: '5s', featureSets: [{ name: 'a' }] };
    const copy = structuredClone(raw);
    parseScenario(raw);
    expect(raw).toEqual(copy);
  });
});

describe('scenario schema: problems (path and message)', () => {
  it.each([
    ['unknown top-level field with suggestion', { name: 'x', durration: '5s' }, '<scenario>: durration: unknown field "durration"; did you mean "duration"?'],
    ['unknown nested field', { name: 'x', cascade: { locl: {} } }, '<scenario>: cascade.locl: unknown field "locl"; did you mean "local"?'],
    ['unknown field, nothing close', { name: 'x', cascade: { redis: { zzz: 1 } } }, '<scenario>: cascade.redis.zzz: unknown field "zzz"; allowed here: url, cluster, keyPrefix'],
    ['missing name', {}, '<scenario>: name: required (a string)'],
    ['empty name', { name: '' }, '<scenario>: name: must not be empty'],
    ['wrong type', { name: 'x', seed: 'abc' }, '<scenario>: seed: expected an integer (got "abc")'],
    ['non-integer', { name: 'x', cascade: { replicas: 1.5 } }, '<scenario>: cascade.replicas: expected an integer (got 1.5)'],
    ['number for a string', { name: 'x', featureSets: [{ name: 'a', version: 2 }] }, '<scenario>: featureSets[0].version: expected a version (got 2; quote it: "2")'],
    ['zero hard ttl', { name: 'x', featureSets: [{ name: 'a', ttl: { hard: '0s' } }] }, '<scenario>: featureSets[0].ttl.hard: must be > 0 (got "0s")'],
    ['negative ttl', { name: 'x', cascade: { local: { ttl: '-5s' } } }, '<scenario>: cascade.local.ttl: must be > 0 (got "-5s")'],
    ['soft >= hard', { name: 'x', featureSets: [{ name: 'a', ttl: { hard: '5m', soft: '10m' } }] }, '<scenario>: featureSets[0].ttl.soft: must be shorter than hard (got soft 10m, hard 5m)'],
    ['soft >= default hard', { name: 'x', featureSets: [{ name: 'a', ttl: { soft: '20m' } }] }, '<scenario>: featureSets[0].ttl.soft: must be shorter than hard (got soft 20m, hard 15m)'],
    ['exponent <= 0', { name: 'x', keys: { distribution: { kind: 'zipf', exponent: -1 } } }, '<scenario>: keys.distribution.exponent: must be > 0 (got -1)'],
    ['exponent 0', { name: 'x', keys: { distribution: { kind: 'latest', exponent: 0 } } }, '<scenario>: keys.distribution.exponent: must be > 0 (got 0)'],
    ['bad duration unit', { name: 'x', duration: '5 sec' }, '<scenario>: duration: unknown duration unit "sec" in "5 sec"; use us, µs, ms, s, m or h'],
    ['duration without unit', { name: 'x', duration: 30 }, '<scenario>: duration: expected a duration: a number and a unit (us, µs, ms, s, m, h), e.g. 250us, 20ms, 5s, 1.5m, 1h (got 30: a bare number has no unit)'],
    ['bad size unit', { name: 'x', cost: { redisNodeMemory: '6XB' } }, '<scenario>: cost.redisNodeMemory: unknown size unit "XB" in "6XB"; use B, KB, MB, GB, KiB, MiB or GiB'],
    ['bad enum with suggestion', { name: 'x', codec: { format: 'jsn' } }, '<scenario>: codec.format: must be one of json, msgpack, tensor (got "jsn"); did you mean "json"?'],
    ['categorical > strings', { name: 'x', featureSets: [{ name: 'a', payload: { strings: 1, categorical: 2 } }] }, '<scenario>: featureSets[0].payload.categorical: must be at most strings (1)'],
    ['tensor: strings too long to lay out', { name: 'x', codec: { format: 'tensor' }, featureSets: [{ name: 'a', payload: { stringLength: 30000 } }] }, '<scenario>: featureSets[0].payload.stringLength: codec.format tensor cannot lay out strings of 30000 characters'],
    ['tensor: too many categories to lay out', { name: 'x', codec: { format: 'tensor' }, featureSets: [{ name: 'a', payload: { categorical: 1, cardinality: 70000 } }] }, '<scenario>: featureSets[0].payload.cardinality: codec.format tensor cannot lay out 70000 categories'],
    ['bad discriminator', { name: 'x', keys: { distribution: { kind: 'zpf' } } }, '<scenario>: keys.distribution.kind: must be one of zipf, uniform, hotspot, latest, trace (got "zpf"); did you mean "zipf"?'],
    ['missing discriminator', { name: 'x', load: { rate: 5 } }, '<scenario>: load.mode: required: one of open, closed'],
    ['field of another variant', { name: 'x', stampede: { strategy: 'none', lockTtl: '2s' } }, '<scenario>: stampede.lockTtl: unknown field "lockTtl"; allowed here: strategy'],
    ['open load without rate', { name: 'x', load: { mode: 'open' } }, '<scenario>: load.rate: required (a number)'],
    ['hotFraction out of (0,1)', { name: 'x', keys: { distribution: { kind: 'hotspot', hotFraction: 1 } } }, '<scenario>: keys.distribution.hotFraction: must be < 1 (got 1)'],
    ['jitter 1', { name: 'x', featureSets: [{ name: 'a', ttl: { jitter: 1 } }] }, '<scenario>: featureSets[0].ttl.jitter: must be < 1 (got 1)'],
    ['replicas > 64', { name: 'x', cascade: { replicas: 65 } }, '<scenario>: cascade.replicas: must be <= 64 (got 65)'],
    ['p99 < p50', { name: 'x', cascade: { source: { kind: 'simulated', latency: { p50: '10ms', p99: '5ms' } } } }, '<scenario>: cascade.source.latency.p99: must be >= p50 (got p50 10ms, p99 5ms)'],
    ['max < min', { name: 'x', cascade: { source: { kind: 'simulated', latency: { min: '10ms', max: '5ms' } } } }, '<scenario>: cascade.source.latency.max: must be >= min (got min 10ms, max 5ms)'],
    ['latency missing p99', { name: 'x', cascade: { source: { kind: 'simulated', latency: { p50: '10ms' } } } }, '<scenario>: cascade.source.latency.p99: required'],
    ['latency of no shape', { name: 'x', cascade: { source: { kind: 'simulated', latency: '5ms' } } }, '<scenario>: cascade.source.latency: expected { fixed }, { p50, p99 } or { min, max } durations (got "5ms")'],
    ['gzip level 12', { name: 'x', codec: { compression: 'gzip', level: 12 } }, '<scenario>: codec.level: must be 1..9 for gzip (only zstd goes to 19)'],
    ['duplicate feature set', { name: 'x', featureSets: [{ name: 'a' }, { name: 'a' }] }, '<scenario>: featureSets[1].name: duplicate feature set name "a" (also featureSets[0])'],
    ['empty featureSets', { name: 'x', featureSets: [] }, '<scenario>: featureSets: needs at least 1 item'],
    ['bad feature set name', { name: 'x', featureSets: [{ name: 'a b' }] }, '<scenario>: featureSets[0].name: a feature set name may contain only letters, digits, _ . and - (got "a b")'],
    ['event names unknown set', { name: 'x', events: [{ kind: 'expire-hot', at: '1s', featureSet: 'nope' }] }, '<scenario>: events[0].featureSet: no feature set named "nope" (known: features)'],
    ['event without at', { name: 'x', events: [{ kind: 'flush-local' }] }, '<scenario>: events[0].at: required'],
    ['source-errors rate 0', { name: 'x', events: [{ kind: 'source-errors', at: '1s', rate: 0, for: '1s' }] }, '<scenario>: events[0].rate: must be > 0 (got 0)'],
    ['bad threshold', { name: 'x', thresholds: { 'latency.endToEnd.p99': '15ms' } }, '<scenario>: thresholds["latency.endToEnd.p99"]: expected an operator first, got "15"'],
    ['threshold not a string', { name: 'x', thresholds: { 'requests.errors': 0 } }, '<scenario>: thresholds["requests.errors"]: expected an operator'],
    ['bad threshold key', { name: 'x', thresholds: { 'a b': '< 1' } }, '<scenario>: thresholds["a b"]: invalid key: expected a dotted result path'],
    ['empty matrix axis', { name: 'x', matrix: { 'codec.format': [] } }, '<scenario>: matrix["codec.format"]: needs at least one value'],
    ['redis url scheme', { name: 'x', cascade: { redis: { url: 'http://x' } } }, '<scenario>: cascade.redis.url: expected "auto" or a redis:// or rediss:// URL (got "http://x")'],
    ['warmup of no shape', { name: 'x', warmup: true }, '<scenario>: warmup: expected a duration like 10s, or { requests: <count> } (got true)'],
    ['warmup bad duration', { name: 'x', warmup: '2 seconds' }, '<scenario>: warmup: unknown duration unit "seconds"'],
    ['warmup bad requests', { name: 'x', warmup: { requests: -1 } }, '<scenario>: warmup.requests: must be >= 0 (got -1)'],
    ['name too long', { name: 'n'.repeat(201) }, '<scenario>: name: must be at most 200 characters (got 201)'],
    ['empty value', { name: 'x', featureSets: [{ name: 'a', ttl: { hard: null } }] }, '<scenario>: featureSets[0].ttl.hard: expected a duration'],
  ])('%s', (_label, raw, expected) => {
    const lines = problemsOf(raw);
    expect(lines.some((line) => line.startsWith(expected)), `${expected}\nnot in\n${lines.join('\n')}`).toBe(true);
  });

  it('collects every problem at once, cross-field checks included', () => {
    const lines = problemsOf({
      name: 'x',
      durration: '5s',
      keys: { distribution: { kind: 'zipf', exponent: -1 } },
      featureSets: [{ name: 'a', ttl: { hard: '5m', soft: '10m' } }],
      events: [{ kind: 'expire-hot', at: '1s', featureSet: 'b' }],
      cascade: { replicas: 'abc' },
    });
    expect(lines.map((line) => line.split(': ')[1])).toEqual(
      expect.arrayContaining(['durration', 'keys.distribution.exponent', 'featureSets[0].ttl.soft', 'events[0].featureSet', 'cascade.replicas']),
    );
    expect(lines).toHaveLength(5);
  });
});
