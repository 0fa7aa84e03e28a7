import type { CompressionKind, SerializerFormat } from '../codec/types.js';

/** One codec of the lab: a format with a compression at one level (null: the compressor has none). */
export interface LabCodec {
  readonly format: SerializerFormat;
  readonly compression: CompressionKind;
  readonly level: number | null;
}

/**
 * One row of `fcbench codecs`: a codec on a payload. Times are ns per value (tinybench, batched:
 * each sample times a batch of calls, so p50/p99 are of batch means), sizes bytes.
 * `roundTripUs` and `redisBytes` are null without a Redis.
 */
export interface CodecRow extends LabCodec {
  /** `small`, `large`, a scenario's feature-set name, or a sweep size such as `4KB`. */
  readonly payload: string;
  /** Serialized size before compression, bytes (mean over the sample values). */
  readonly rawBytes: number;
  /** Stored size with the envelope, bytes (mean). */
  readonly encodedBytes: number;
  /** rawBytes / encodedBytes: above 1 the value shrank. */
  readonly compressionRatio: number;
  readonly encodeNs: number;
  readonly decodeNs: number;
  readonly encodeNsP99: number;
  readonly decodeNsP99: number;
  /** Relative margin of error of the mean, percent (tinybench `rme`). */
  readonly encodeRme: number;
  readonly decodeRme: number;
  /** Median SET + GET round trip of the encoded value, µs. */
  readonly roundTripUs: number | null;
  /** `MEMORY USAGE` of one key holding the value, bytes. */
  readonly redisBytes: number | null;
  /** encode + decode + round trip + encoded bytes over the wire at the lab's bandwidth, ns. */
  readonly endToEndNs: number;
}

/** Per compressor and level: the raw (serialized) size from which it lowers end-to-end cost; null when it never does in the sweep. */
export interface Crossover {
  readonly compression: CompressionKind;
  readonly level: number | null;
  /** The recommended `codec.compressAbove`, bytes of serialized (msgpack) payload. */
  readonly bytes: number | null;
}

/** The result document of `fcbench codecs`. */
export interface CodecsResult {
  readonly kind: 'codecs';
  readonly schemaVersion: 1;
  readonly tool: { readonly name: 'fcbench'; readonly version: string };
  readonly startedAt: string;
  readonly durationMs: number;
  readonly env: { readonly node: string; readonly platform: string; readonly cpus: number };
  /** The Redis the round trips went to (password redacted), or null. */
  readonly redis: { readonly url: string; readonly version: string } | null;
  /** Why columns are missing (no Redis), or other caveats; empty when none. */
  readonly notes: readonly string[];
  /** Wire speed the end-to-end cost charges bytes at, bits per second. */
  readonly bandwidthBitsPerSec: number;
  /** Sweep sizes asked for (serialized msgpack bytes). */
  readonly sizes: readonly number[];
  readonly codecs: readonly CodecRow[];
  readonly crossover: readonly Crossover[];
}
