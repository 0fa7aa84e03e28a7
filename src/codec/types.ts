import type { FeatureValues } from '../workload/types.js';

export type SerializerFormat = 'json' | 'msgpack';
export type CompressionKind = 'none' | 'deflate' | 'gzip' | 'zstd' | 'lz4';

export interface CodecOptions {
  format: SerializerFormat;
  compression: CompressionKind;
  /** Compress only payloads whose serialized size is at least this many bytes. @default 0 */
  compressAboveBytes: number;
  /** zstd/deflate/gzip level. @default 1 */
  level?: number;
}

/** Header fields stored in front of every value in Redis. */
export interface EnvelopeHeader {
  /** Feature set name the value belongs to (schema drift check). */
  featureSet: string;
  /** Snapshot version of the feature store the value was read from. */
  version: string;
  /** Wall-clock ms when the value was written to the cache. */
  writtenAtMs: number;
  /** Wall-clock ms after which the value is soft-expired (stale-while-revalidate); 0 = no soft TTL. */
  softExpiresAtMs: number;
}

export interface DecodedValue {
  header: EnvelopeHeader;
  values: FeatureValues;
}

/** Outcome of decoding bytes read from Redis: never throws for bad bytes. */
export type DecodeResult =
  | { ok: true; value: DecodedValue }
  | { ok: false; reason: 'corrupt' | 'truncated' | 'codec-mismatch' | 'envelope-version' | 'feature-set-mismatch'; detail: string };

/** Serializer + compressor + envelope. Implementations reuse encoders; `encode` returns a fresh Buffer. */
export interface Codec {
  readonly options: Readonly<CodecOptions>;
  /** Bytes for Redis. `rawBytes` (serialized size before compression) is reported through `stats`. */
  encode(header: EnvelopeHeader, values: FeatureValues, stats?: EncodeStats): Buffer;
  /** `expectedFeatureSet` guards against schema drift: a header for another feature set is an error. */
  decode(bytes: Buffer, expectedFeatureSet: string): DecodeResult;
}

/** Filled by `encode` when given: sizes in bytes. */
export interface EncodeStats {
  rawBytes: number;
  encodedBytes: number;
  compressed: boolean;
}
