/**
 * The cascade's own overhead, each figure a ratio against the raw client measured in the same run:
 * - local hit: `cascade.get` vs a bare `lru-cache.get` of the same entity strings (ns/op);
 * - Redis hit at 64 in flight (local tier off): `cascade.get` vs raw ioredis `getBuffer` of the
 *   same bytes, and vs `getBuffer` + `codec.decode` (the part that is the codec's, not the cascade's).
 * A private redis-server is started for the run and stopped at the end.
 */
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { Bench, type Task } from 'tinybench';
import { createCascade, type Cascade } from '../src/cascade/cascade.js';
import { systemClock } from '../src/cascade/clock.js';
import type { CascadeOptions } from '../src/cascade/options.js';
import { createSimulatedSource } from '../src/cascade/simulated-source.js';
import { newTrace, resetTrace } from '../src/cascade/trace.js';
import { createCodec } from '../src/codec/index.js';
import type { CodecOptions } from '../src/codec/types.js';
import { connectRedis } from '../src/redis/connect.js';
import { startPrivateRedis } from '../src/redis/private-server.js';
import { feastRedisKey } from '../src/feast/entity-key.js';
import { feastView } from '../src/feast/feature-view.js';
import { createPayloadGenerator } from '../src/workload/payload.js';
import { createRng } from '../src/workload/rng.js';
import type { BenchSection } from './types.js';
import { median, runJsonChild } from './child.js';

/** Entities looked up, cycled in order (all resident: this measures hits). */
const ENTITIES = 5000;
/** Lookups per tinybench iteration: amortises the timer read tinybench does per iteration. */
const LOCAL_BATCH = 1000;
const IN_FLIGHT = 64;
/** Sequential gets per in-flight chain per iteration: 64 x 16 = 1,024 gets per iteration. */
const CHAIN_LENGTH = 16;
const LOCAL_TIME_MS = 1000;
const REDIS_TIME_MS = 6300;
/** Rounds of all Redis tasks; each gets REDIS_TIME_MS / REDIS_ROUNDS per round. Odd, for a median. */
const REDIS_ROUNDS = 9;
/** The ANCHORS.md small payload: 50 floats, 8 ints, 2 strings. */
const PAYLOAD = { floats: 50, ints: 8, strings: 2, embedding: 0 };
const CODEC: CodecOptions = { format: 'msgpack', compression: 'none', compressAboveBytes: 0 };

let sink = 0;

function meanMs(task: Task | undefined): number {
  const result = task?.result;
  if (result === undefined || result.state !== 'completed') throw new Error(`bench task ${task?.name ?? '?'} did not complete`);
  return result.latency.mean;
}

const TENSOR: CodecOptions = { format: 'tensor', compression: 'none', compressAboveBytes: 0, layouts: { credit: PAYLOAD } };

function build(redis: Redis | null, keyPrefix: string, localEnabled: boolean, codec: CodecOptions = CODEC, layout: CascadeOptions['layout'] = undefined): Cascade {
  const generate = createPayloadGenerator(PAYLOAD);
  const source = createSimulatedSource(
    { latency: { fixedMs: 0 }, concurrency: 1024, versions: { credit: 'v1' } },
    { clock: systemClock, rng: createRng(1).fork('source'), payload: generate },
  );
  const options: CascadeOptions = {
    featureSets: [{ name: 'credit', version: 'v1', ttl: { hardMs: 3_600_000 } }],
    codec,
    local: { enabled: localEnabled, maxEntries: ENTITIES * 2, ttlMs: 3_600_000 },
    redis: { keyPrefix },
    stampede: { strategy: 'single-flight' },
    layout,
  };
  return createCascade(options, { redis, source, clock: systemClock, rng: createRng(2), replicaId: 0 });
}

async function localHit(entities: string[]): Promise<BenchSection['rows']> {
  const cascade = build(null, 'bench', true);
  for (const e of entities) await cascade.get(e, 'credit', newTrace());
  const raw = new LRUCache<string, { values: object }>({ max: ENTITIES * 2 });
  for (const e of entities) raw.set(e, { values: {} });
  // What the hit path must do beyond the lookup, hand-inlined: feature-set lookup, clock read, TTL checks, trace fill.
  type Entry = { values: object; key: string; version: string; fetchedAtMs: number; freshUntilMs: number; staleAtMs: number };
  const bySet = new Map([['credit', new LRUCache<string, Entry>({ max: ENTITIES * 2 })]]);
  for (const e of entities) {
    bySet.get('credit')?.set(e, { values: {}, key: `bench:credit:v1:${e}`, version: 'v1', fetchedAtMs: Date.now(), freshUntilMs: Infinity, staleAtMs: Infinity });
  }
  const trace = newTrace();
  let i = 0;
  const bench = new Bench({ time: LOCAL_TIME_MS, warmupTime: 200 });
  bench.add('raw lru-cache get', () => {
    for (let k = 0; k < LOCAL_BATCH; k++) {
      if (raw.get(entities[i++ % ENTITIES] as string) !== undefined) sink++;
    }
  });
  bench.add('hand-written equivalent', () => {
    for (let k = 0; k < LOCAL_BATCH; k++) {
      const entry = bySet.get('credit')?.get(entities[i++ % ENTITIES] as string);
      const now = Date.now();
      if (entry === undefined || now >= entry.freshUntilMs) continue;
      trace.key = entry.key;
      trace.servedBy = 'local';
      trace.version = entry.version;
      trace.ageMs = now - entry.fetchedAtMs;
      trace.outcome.local = now >= entry.staleAtMs ? 'stale' : 'hit';
      sink++;
    }
  });
  bench.add('cascade.get, local hit', () => {
    for (let k = 0; k < LOCAL_BATCH; k++) {
      if (cascade.get(entities[i++ % ENTITIES] as string, 'credit', trace) !== undefined) sink++;
    }
  });
  await bench.run();
  await cascade.close();
  const rawNs = (meanMs(bench.tasks[0]) * 1e6) / LOCAL_BATCH;
  const handNs = (meanMs(bench.tasks[1]) * 1e6) / LOCAL_BATCH;
  const ourNs = (meanMs(bench.tasks[2]) * 1e6) / LOCAL_BATCH;
  return [
    { measure: 'local hit: raw lru-cache.get', value: rawNs, unit: 'ns/op', ratio: 1, target: '' },
    { measure: 'local hit: hand-written lookup + TTL check + trace fill', value: handNs, unit: 'ns/op', ratio: handNs / rawNs, target: '' },
    { measure: 'local hit: cascade.get (sync)', value: ourNs, unit: 'ns/op', ratio: ourNs / rawNs, target: '<= 2x' },
  ];
}

/** `IN_FLIGHT` chains of `CHAIN_LENGTH` sequential operations: 64 requests in flight throughout. */
function inFlight(op: (index: number) => Promise<unknown>): () => Promise<void> {
  let next = 0;
  const chain = async () => {
    for (let k = 0; k < CHAIN_LENGTH; k++) await op(next++ % ENTITIES);
  };
  return async () => {
    await Promise.all(Array.from({ length: IN_FLIGHT }, chain));
  };
}

/** A cascade variant of the Redis-hit rows, measured in its own process beside the raw client. */
type Variant = 'msgpack' | 'tensor' | 'feast';
const VARIANTS: readonly Variant[] = ['msgpack', 'tensor', 'feast'];
/** Per round, each task's ops/s, in the order `variantTasks` adds them; then each task's young GCs per 10k operations. */
interface VariantRounds {
  rounds: number[][];
  youngGcsPer10k: number[];
}
/** Calls of a task (1,024 operations each) over which its young-generation collections are counted. */
const GC_PROBE_CALLS = 100;

/**
 * Young-generation collections per 10k operations of `fn`: the garbage an operation leaves, a count
 * the shared machine's noise does not move, where ops/s swing by a tenth between runs.
 */
async function youngGcsPer10k(fn: () => Promise<void>): Promise<number> {
  let minor = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if ((entry as unknown as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) minor++;
  });
  observer.observe({ entryTypes: ['gc'] });
  for (let i = 0; i < GC_PROBE_CALLS; i++) await fn();
  // GC entries reach observers asynchronously.
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  observer.disconnect();
  return (minor * 10_000) / (GC_PROBE_CALLS * IN_FLIGHT * CHAIN_LENGTH);
}

/**
 * The tasks of one variant, the raw getBuffer baseline first: Redis filled through the variant's
 * cascade, then 64 requests in flight per task.
 */
async function variantTasks(variant: Variant, redis: Redis, entities: string[]): Promise<{ tasks: [string, () => Promise<void>][]; close: () => Promise<void> }> {
  const cascade =
    variant === 'msgpack'
      ? build(redis, 'bench', false)
      : variant === 'tensor'
        ? build(redis, 'bench-tensor', false, TENSOR)
        : // cascade.layout feast: the same payload as Feast's hash per entity (src/feast/layout.ts).
          build(redis, 'bench-feast', false, { ...CODEC, layouts: { credit: PAYLOAD } }, { kind: 'feast' });
  for (const e of entities) await cascade.get(e, 'credit', newTrace());
  const keys = entities.map((e) => cascade.keyFor(e, 'credit'));
  const traces = Array.from({ length: ENTITIES }, () => newTrace());
  const tasks: [string, () => Promise<void>][] = [];
  const add = (name: string, op: (index: number) => Promise<unknown>) => void tasks.push([name, inFlight(op)]);
  if (variant === 'feast') {
    // The baseline's plain string keys hold the msgpack cascade's values, as in the msgpack child.
    const plain = build(redis, 'bench', false);
    for (const e of entities) await plain.get(e, 'credit', newTrace());
    const plainKeys = entities.map((e) => plain.keyFor(e, 'credit'));
    add('raw getBuffer', async (i) => (sink += (await redis.getBuffer(plainKeys[i] as string))?.length ?? 0));
    const feastKeys = entities.map((e) => feastRedisKey('bench-feast', 'entity_id', e, 'string'));
    const feastFields = feastView('credit', PAYLOAD).readFields;
    add('raw hmgetBuffer of a Feast view', async (i) => (sink += (await redis.hmgetBuffer(feastKeys[i] as Buffer, ...feastFields)).length));
  } else {
    add('raw getBuffer', async (i) => (sink += (await redis.getBuffer(keys[i] as string))?.length ?? 0));
  }
  if (variant === 'msgpack') {
    const codec = createCodec(CODEC);
    add('raw getBuffer + decode', async (i) => {
      const bytes = await redis.getBuffer(keys[i] as string);
      if (bytes !== null && codec.decode(bytes, 'credit').ok) sink++;
    });
  }
  add(`cascade.get ${variant}, Redis hit`, async (i) => {
    const trace = resetTrace(traces[i] as ReturnType<typeof newTrace>);
    await cascade.get(entities[i] as string, 'credit', trace);
    if (trace.servedBy !== 'redis') throw new Error(`expected a Redis hit, got ${trace.servedBy}`);
  });
  return { tasks, close: () => cascade.close() };
}

/** The child's side: one variant against the parent's Redis, its rounds as JSON on stdout. */
async function redisHitChild(variant: Variant, url: string): Promise<void> {
  const redis = await connectRedis(url, { commandTimeoutMs: 5000 });
  try {
    const entities = Array.from({ length: ENTITIES }, (_, i) => `entity-${i}`);
    const { tasks, close } = await variantTasks(variant, redis, entities);
    // Rounds of every task back to back, ratios taken within each round, medians reported: one
    // long run per task let the machine's drift between tasks swing the tensor ratio 0.6-0.95.
    const opsPerSec = (task: Task | undefined) => (IN_FLIGHT * CHAIN_LENGTH) / (meanMs(task) / 1000);
    const rounds: number[][] = [];
    for (let round = 0; round < REDIS_ROUNDS; round++) {
      const bench = new Bench({ time: REDIS_TIME_MS / REDIS_ROUNDS, warmupTime: round === 0 ? 300 : 50 });
      // Every other round in reverse: the garbage a task leaves is collected in the one after it,
      // and a fixed order would charge the cascade's to the raw client every round.
      const order = round % 2 === 0 ? tasks : [...tasks].reverse();
      for (const [name, fn] of order) bench.add(name, fn);
      await bench.run();
      rounds.push(tasks.map(([name]) => opsPerSec(bench.tasks.find((task) => task.name === name))));
    }
    const gcs: number[] = [];
    if (variant !== 'feast') for (const [, fn] of tasks) gcs.push(await youngGcsPer10k(fn));
    await close();
    const out: VariantRounds = { rounds, youngGcsPer10k: gcs };
    process.stdout.write(JSON.stringify(out));
  } finally {
    redis.disconnect();
  }
}

/**
 * Each variant in a child process of its own: a serving process runs one codec and one layout,
 * and three cascades in one process made the shared decode and read call sites polymorphic, which
 * cost the tensor row about 0.04 of its ratio (0.72-0.76x with all three in one process, 0.78-0.80x alone).
 */
async function redisHit(): Promise<BenchSection['rows']> {
  const server = await startPrivateRedis();
  try {
    const byVariant = new Map<Variant, VariantRounds>();
    for (const variant of VARIANTS) byVariant.set(variant, await runJsonChild<VariantRounds>(import.meta.url, ['redis-hit-child', variant, server.url]));
    const rounds = (variant: Variant) => byVariant.get(variant)!.rounds;
    const gcs = (variant: Variant, t: number) => byVariant.get(variant)!.youngGcsPer10k[t]!;
    const gcRow = (measure: string, variant: Variant, t: number) =>
      ({ measure: `Redis hit x64: young GCs per 10k, ${measure}`, value: gcs(variant, t), unit: 'GCs', ratio: gcs(variant, t) / gcs(variant, 0), target: '' });
    const value = (variant: Variant, t: number) => median(rounds(variant).map((r) => r[t]!));
    const ratio = (variant: Variant, t: number, base = 0) => median(rounds(variant).map((r) => r[t]! / r[base]!));
    return [
      { measure: 'Redis hit x64: raw getBuffer', value: value('msgpack', 0), unit: 'ops/s', ratio: 1, target: '' },
      { measure: 'Redis hit x64: raw getBuffer + codec.decode', value: value('msgpack', 1), unit: 'ops/s', ratio: ratio('msgpack', 1), target: '' },
      { measure: 'Redis hit x64: cascade.get (local off)', value: value('msgpack', 2), unit: 'ops/s', ratio: ratio('msgpack', 2), target: '' },
      // The cascade's own overhead is over the codec's floor: msgpack decode alone takes getBuffer to ~0.55x.
      { measure: 'Redis hit x64: cascade.get vs getBuffer + decode', value: value('msgpack', 2), unit: 'ops/s', ratio: ratio('msgpack', 2, 1), target: '>= 0.9' },
      { measure: 'Redis hit x64: cascade.get, codec tensor (local off)', value: value('tensor', 1), unit: 'ops/s', ratio: ratio('tensor', 1), target: '>= 0.8' },
      gcRow('raw getBuffer (tensor bytes)', 'tensor', 0),
      gcRow('cascade.get tensor', 'tensor', 1),
      gcRow('raw getBuffer + msgpack decode', 'msgpack', 1),
      gcRow('cascade.get msgpack', 'msgpack', 2),
      { measure: 'Redis hit x64: raw hmgetBuffer of a Feast view (61 fields)', value: value('feast', 1), unit: 'ops/s', ratio: ratio('feast', 1), target: '' },
      { measure: 'Redis hit x64: cascade.get, layout feast (local off)', value: value('feast', 2), unit: 'ops/s', ratio: ratio('feast', 2), target: '' },
    ];
  } finally {
    await server.stop();
  }
}

export async function runBench(): Promise<BenchSection> {
  const entities = Array.from({ length: ENTITIES }, (_, i) => `entity-${i}`);
  const redisRows = await redisHit();
  const rows = [...(await localHit(entities)), ...redisRows];
  return {
    title: 'cascade: local-hit and Redis-hit overhead vs raw clients',
    rows,
    notes: [
      `payload 50 floats / 8 ints / 2 strings, ${CODEC.format} (and tensor, float32, in its own row) without compression; ${ENTITIES} entities cycled; local timing sampled 1 in 64`,
      'Redis rows: 64 requests in flight on one connection, no auto-pipelining, client and server sharing the machine; each cascade variant (msgpack, tensor, feast) in a process of its own beside its raw baseline, 9 rounds of every task back to back (every other round in reverse order), medians of the values and of the within-round ratios',
      'the cascade decodes every Redis hit; "getBuffer + codec.decode" is the floor any decoding client pays',
      `young GCs: minor collections over ${GC_PROBE_CALLS * IN_FLIGHT * CHAIN_LENGTH} operations of each task after its rounds (PerformanceObserver gc entries), per 10k; the ratio is against the variant's raw getBuffer; the garbage each hit leaves, immune to the machine's noise`,
      'the raw lru-cache row never touches the value; the hand-written row does the minimum a TTL-checking, trace-filling hit must (with Date.now where the cascade uses a 1 ms coarse clock)',
    ],
  };
}

if (process.argv[2] === 'redis-hit-child') {
  const [, , , variant, url] = process.argv;
  if (!VARIANTS.includes(variant as Variant) || url === undefined) throw new Error(`usage: cascade.js redis-hit-child <${VARIANTS.join('|')}> <redis url>`);
  await redisHitChild(variant as Variant, url);
}

if (sink === -1) console.log(sink);
