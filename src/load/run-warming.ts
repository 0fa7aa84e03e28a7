import { resolve } from 'node:path';
import type { RedisClient } from '../redis/client.js';
import type { Clock } from '../cascade/clock.js';
import type { Source } from '../cascade/source.js';
import type { WarmingResult } from '../results/result-types.js';
import type { Scenario, WarmConfig } from '../scenario/schema.js';
import { openWarmInput, type WarmSource } from '../warm/open-input.js';
import type { WarmInput } from '../warm/warm-input.js';
import type { WarmWriter } from '../warm/warm-writer.js';
import { warmEncodingFor, warmWriterFor } from './warm-writer-for.js';

/**
 * `warm:` inside a run: the blocking part before the warmup phase (all of it, or the first
 * `progressive.blocking` keys), the rest in the background during the measured phase at
 * `progressive.rate`, its progress counted per timeline bucket (`timeline[].warmedKeys`).
 * Keys go under the run's own prefix (per-run suffix or the shared layout), so the run reads them.
 */

export interface RunWarmingDeps {
  scenario: Scenario;
  scenarioDir: string;
  keyPrefix: string;
  client: RedisClient;
  source: Source;
  clock: Clock;
  /** Shared layout: each key written, for the run's cleanup. */
  onWrite?: ((key: string) => void) | undefined;
}

export interface RunWarming {
  /** Runs the blocking part; resolves when traffic may start. */
  blocking(signal: AbortSignal): Promise<void>;
  /** Starts the background part (progressive only) at the measured phase's start. */
  startBackground(measureStartUs: number, signal: AbortSignal): void;
  /** Stops the background part and returns what warming did, with keys written per timeline bucket. */
  finish(bucketCount: number): Promise<{ result: WarmingResult; perBucket: number[] }>;
  close(): Promise<void>;
}

const BUCKET_US = 1_000_000;

function warmSourceOf(warm: WarmConfig, scenarioDir: string, committedAtMs: number): WarmSource {
  if (warm.top !== undefined) return { kind: 'top', top: warm.top, committedAtMs };
  if (warm.manifest !== undefined) return { kind: 'manifest', file: resolve(scenarioDir, warm.manifest) };
  if (warm.parquet !== undefined) return { kind: 'parquet', file: resolve(scenarioDir, warm.parquet) };
  return { kind: 'arrow', file: resolve(scenarioDir, warm.arrow!) };
}

/** Opens the input (header and schema checked: a bad file fails the run before any key is written). */
export async function prepareRunWarming(warm: WarmConfig, deps: RunWarmingDeps): Promise<RunWarming> {
  let sourceCalls = 0;
  const what = warmSourceOf(warm, deps.scenarioDir, deps.clock.wallMs());
  const input: WarmInput = await openWarmInput(what, {
    scenario: deps.scenario,
    scenarioDir: deps.scenarioDir,
    featureSet: warm.featureSet,
    entityColumn: warm.entityColumn,
    encodeWith: warmEncodingFor(deps.scenario, warm.batch),
    source: async () => deps.source,
    onFetch: () => void sourceCalls++,
  });
  const writer: WarmWriter = warmWriterFor(deps.scenario, deps.keyPrefix, deps.client, input, { batch: warm.batch, onWrite: deps.onWrite });
  const progressive = warm.progressive;
  let blockingKeys = 0;
  let blockingMs = 0;
  let background: Promise<unknown> | null = null;
  let backgroundStartUs = 0;
  let backgroundEndUs = 0;
  const backgroundAbort = new AbortController();
  const perBucket: number[] = [];
  let counted = 0;

  return {
    async blocking(signal) {
      const startUs = deps.clock.nowUs();
      await writer.drive({ limit: progressive?.blocking, ratePerSec: warm.rate, signal });
      blockingMs = (deps.clock.nowUs() - startUs) / 1000;
      blockingKeys = writer.progress.written;
    },
    startBackground(measureStartUs, signal) {
      if (progressive === undefined || writer.done) return;
      backgroundStartUs = deps.clock.nowUs();
      const stop = AbortSignal.any([signal, backgroundAbort.signal]);
      const record = () => {
        const bucket = Math.max(0, Math.floor((deps.clock.nowUs() - measureStartUs) / BUCKET_US));
        while (perBucket.length <= bucket) perBucket.push(0);
        perBucket[bucket]! += writer.progress.written - counted;
        counted = writer.progress.written;
      };
      counted = writer.progress.written;
      background = writer
        .drive({ ratePerSec: progressive.rate, signal: stop, onProgress: record, sleepMs: (ms) => deps.clock.sleepMs(ms) })
        .finally(() => {
          backgroundEndUs = deps.clock.nowUs();
        });
      // Failures surface in finish(); never an unhandled rejection meanwhile.
      background.catch(() => undefined);
    },
    async finish(bucketCount) {
      backgroundAbort.abort();
      const backgroundError = background === null ? null : await background.then(() => null, (error: unknown) => error);
      const p = writer.progress;
      const backgroundKeys = p.written - blockingKeys;
      const backgroundMs = background === null ? 0 : (backgroundEndUs - backgroundStartUs) / 1000;
      const durationMs = blockingMs + backgroundMs;
      const result: WarmingResult = {
        keys: p.written,
        durationMs,
        keysPerSecond: durationMs > 0 ? (p.written * 1000) / durationMs : 0,
        input: what.kind === 'file' ? 'manifest' : what.kind,
        sourceCalls,
        expired: p.expired,
        blocking: { keys: blockingKeys, durationMs: blockingMs },
        ...(progressive === undefined
          ? {}
          : { background: { keys: backgroundKeys, durationMs: backgroundMs, finished: writer.done, ...(backgroundError === null ? {} : { error: String((backgroundError as Error).message ?? backgroundError) }) } }),
      };
      const buckets = Array.from({ length: bucketCount }, (_, i) => perBucket[i] ?? 0);
      // Keys written after the last bucket closed (the drain) count in the last one.
      for (let i = bucketCount; i < perBucket.length; i++) if (bucketCount > 0) buckets[bucketCount - 1]! += perBucket[i]!;
      return { result, perBucket: buckets };
    },
    close: () => input.close(),
  };
}
