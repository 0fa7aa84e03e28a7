/**
 * `npm run bench -- warm`: `fcbench warm`'s write path (Parquet read by row group, encode with the
 * scenario's codec, pipelined SET PX, one batch in flight) against a raw ioredis pipeline writing
 * the same encoded bytes (pre-encoded, not timed) in batches of the same size, in the same run, on
 * a private redis-server. Goal: at least 0.8x the raw throughput. A third baseline sends those
 * bytes through warm's own RESP connection: the write path's ceiling, without reading or encoding. Memory: each measurement runs in
 * a child process of its own, which reports its peak RSS and heap growth over its start, for two
 * input sizes, so "flat in the input's size" is a comparison of two numbers.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBulkSet } from '../src/redis/bulk-set.js';
import { connectRedis } from '../src/redis/connect.js';
import { deleteByPrefix } from '../src/redis/cleanup.js';
import { startPrivateRedis } from '../src/redis/private-server.js';
import { loadScenario } from '../src/scenario/load.js';
import { warmEncodingFor, warmWriterFor } from '../src/load/warm-writer-for.js';
import { openWarmInput } from '../src/warm/open-input.js';
import { createCodec } from '../src/codec/index.js';
import { resolveCascadeOptions } from '../src/cascade/options.js';
import { cascadeOptionsOf } from '../src/load/cascade-config.js';
import { valueKey } from '../src/cascade/key-scheme.js';
import { warmEnvelope } from '../src/warm/warm-stamp.js';
import { createPayloadGenerator } from '../src/workload/payload.js';
import { writeFeatureParquet } from './feature-files.js';
import type { BenchSection } from './types.js';
import { median, runJsonChild } from './child.js';

const SIZES = (process.env['FCBENCH_WARM_ROWS'] ?? '20000,100000').split(',').map(Number);
const ROUNDS = 3;
const BATCH = 500;
const GOAL = 0.8;
const SPEC = { floats: 50, ints: 8, strings: 2, embedding: 0 };
const SCENARIO = `name: warm-bench
keys: { entities: 1000000 }
featureSets:
  - { name: feats, version: v1, payload: { floats: 50, ints: 8, strings: 2 }, ttl: { hard: 1h, jitter: 0.1 } }
codec: { format: msgpack, compression: none }
cascade: { redis: { shared: true } }
load: { mode: open, rate: 1000 }
`;

interface ChildReport {
  keysPerSec: number;
  rssGrowthBytes: number;
  heapGrowthBytes: number;
}

/** Child: one measurement, printed as JSON. */
/** `raw`: ioredis pipelines of pre-encoded values (the goal's baseline); `framed`: the same values through warm's own RESP connection, no reading or encoding (its ceiling). */
type Mode = 'warm' | 'raw' | 'framed';

async function child(mode: Mode, scenarioFile: string, file: string, url: string, prefix: string): Promise<void> {
  const scenario = (await loadScenario(scenarioFile)).variants[0]!.scenario;
  const client = await connectRedis(url, { commandTimeoutMs: 10_000 });
  // The warm job as fcbench warm runs it (reading and encoding on a worker thread); the raw baseline reads in-thread, untimed.
  const input = await openWarmInput(
    { kind: 'parquet', file },
    { scenario, scenarioDir: '.', source: async () => { throw new Error('no source'); }, ...(mode === 'warm' ? { encodeWith: warmEncodingFor(scenario, BATCH) } : {}) },
  );
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  const heap0 = process.memoryUsage().heapUsed;
  let peakRss = rss0;
  let peakHeap = heap0;
  const sample = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 20);
  let keys = 0;
  let elapsedMs = 0;
  if (mode === 'warm') {
    const writer = warmWriterFor(scenario, prefix, client, input, { batch: BATCH });
    const start = performance.now();
    const p = await writer.drive();
    elapsedMs = performance.now() - start;
    keys = p.written;
  } else {
    // The same bytes, encoded before the clock starts: only the pipelined writes are timed.
    const resolved = resolveCascadeOptions(cascadeOptionsOf(scenario, prefix));
    const codec = createCodec(resolved.codec);
    const ttl = resolved.featureSets[0]!.ttl;
    const stamp = input.stampOf('feats');
    const encoded: { key: string; bytes: Buffer; px: number }[] = [];
    const now = Date.now();
    for await (const rows of input.batches(BATCH)) {
      for (const row of rows) {
        const { header, expiries } = warmEnvelope('feats', stamp.version, stamp.writtenAtMs, ttl, row.entity);
        encoded.push({ key: valueKey(prefix, 'feats', stamp.version, row.entity), bytes: codec.encode(header, row.values!), px: Math.ceil(expiries.hardExpiresAtMs - now) });
      }
    }
    const bulk = mode === 'framed' ? await openBulkSet(client) : null;
    const start = performance.now();
    let inFlight: Promise<unknown> | null = null;
    for (let i = 0; i < encoded.length; i += BATCH) {
      const batch = encoded.slice(i, i + BATCH);
      let sent: Promise<unknown>;
      if (bulk !== null) {
        sent = bulk.send(batch.map((e) => e.key), batch.map((e) => e.bytes), batch.map((e) => e.px));
      } else {
        const pipeline = client.pipeline();
        for (const e of batch) pipeline.set(e.key, e.bytes, 'PX', e.px);
        sent = pipeline.exec();
      }
      if (inFlight !== null) await inFlight;
      inFlight = sent;
    }
    await inFlight;
    elapsedMs = performance.now() - start;
    bulk?.close();
    keys = encoded.length;
  }
  clearInterval(sample);
  client.disconnect();
  const report: ChildReport = { keysPerSec: (keys * 1000) / elapsedMs, rssGrowthBytes: peakRss - rss0, heapGrowthBytes: peakHeap - heap0 };
  // The raw baseline's encoded values are still referenced here, on purpose: they are its input.
  process.stdout.write(JSON.stringify(report));
}

const runChild = (args: string[]) => runJsonChild<ChildReport>(import.meta.url, ['child', ...args], ['--expose-gc']);

export async function runBench(): Promise<BenchSection> {
  const dir = mkdtempSync(join(tmpdir(), 'fcbench-warm-bench-'));
  const server = await startPrivateRedis();
  const admin = await connectRedis(server.url, { commandTimeoutMs: 10_000 });
  const rows: BenchSection['rows'] = [];
  const notes: string[] = [];
  try {
    const scenarioFile = join(dir, 'warm-bench.yaml');
    writeFileSync(scenarioFile, SCENARIO);
    const generate = createPayloadGenerator(SPEC);
    for (const size of SIZES) {
      const file = join(dir, `rows-${size}.parquet`);
      const committedAt = new Date().toISOString();
      function* source() {
        for (let i = 0; i < size; i++) yield { entity: String(i), values: generate(String(i), 'feats', 'v1') };
      }
      await writeFeatureParquet(file, source(), { spec: SPEC, metadata: { 'fcbench.committedAt': committedAt }, rowGroupSize: 5000 });
      const runs: Record<Mode, ChildReport[]> = { raw: [], warm: [], framed: [] };
      for (let round = 0; round < ROUNDS; round++) {
        // Alternating, each into an empty prefix, so machine drift hits all alike.
        for (const mode of ['raw', 'warm', 'framed'] as const) {
          runs[mode].push(await runChild([mode, scenarioFile, file, server.url, `${mode}${round}`]));
          await deleteByPrefix(admin, `${mode}${round}`);
        }
      }
      const { raw, warm, framed } = runs;
      const ratio = median(warm.map((w) => w.keysPerSec)) / median(raw.map((r) => r.keysPerSec));
      rows.push({
        rows: size,
        'raw pipeline keys/s': Math.round(median(raw.map((r) => r.keysPerSec))),
        'fcbench warm keys/s': Math.round(median(warm.map((w) => w.keysPerSec))),
        'warm / raw': ratio,
        goal: `>= ${GOAL}`,
        'warm peak RSS growth MB': median(warm.map((w) => w.rssGrowthBytes)) / 2 ** 20,
        'warm peak heap growth MB': median(warm.map((w) => w.heapGrowthBytes)) / 2 ** 20,
        'raw peak RSS growth MB': median(raw.map((r) => r.rssGrowthBytes)) / 2 ** 20,
        'framed raw keys/s': Math.round(median(framed.map((f) => f.keysPerSec))),
        'warm / framed raw': median(warm.map((w) => w.keysPerSec)) / median(framed.map((f) => f.keysPerSec)),
      });
    }
    notes.push(`payload: 50 float64, 8 int, 2 string features (msgpack), Parquet row groups of 5,000 rows, ${BATCH} keys per pipeline, medians of ${ROUNDS} alternating rounds, each in its own process`);
    notes.push('raw = the same encoded bytes (encoded before timing, held in memory: its RSS grows with the input), pipelined SET PX with one batch in flight');
    notes.push('framed raw = those bytes through the warm job\'s own RESP connection (src/redis/bulk-set.ts), no reading or encoding: the ceiling warm\'s read + encode keeps it under');
    notes.push('memory flat: the warm job\'s peak growth should be about the same for both sizes (one row group + one batch in memory)');
  } finally {
    admin.disconnect();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return { title: 'warm: fcbench warm (Parquet) vs a raw ioredis pipeline of the same bytes (and vs the same framing without read and encode)', rows, notes };
}

if (process.argv[2] === 'child') {
  const [, , , mode, scenarioFile, file, url, prefix] = process.argv;
  await child(mode as Mode, scenarioFile!, file!, url!, prefix!);
}
