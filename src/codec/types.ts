import type { ByteSink } from './byte-sink.js';
import type { FeatureValues, PayloadSpec } from '../workload/types.js';

export type SerializerFormat = 'json' | 'msgpack' | 'tensor';
export type CompressionKind = 'none' | 'deflate' | 'gzip' | 'zstd' | 'lz4';
/** Width of the float features and embedding in the `tensor` format. */
export type TensorDtype = 'float32' | 'float64';

export interface CodecOptions {
  format: SerializerFormat;
  compression: CompressionKind;
  /** Compress only payloads whose serialized size is at least this many bytes. @default 0 */
  compressAboveBytes: number;
  /** zstd/deflate/gzip level. @default 1 */
  level?: number;
  /** `tensor` only: how float features and the embedding are stored. @default 'float32' */
  dtype?: TensorDtype | undefined;
  /**
   * `tensor` only: the layout of every feature set this codec reads or writes, by name: its payload
   * spec (`f0..` floats, `i0..` ints, `s0..` strings, the last `categorical` of them dictionary
   * ids, `emb`), or explicit ordered fields. Writer and reader must agree; the envelope carries a
   * hash of it. Required for `tensor`, ignored by the other formats.
   */
  layouts?: Readonly<Record<string, TensorLayoutSource>> | undefined;
}

/** What a tensor layout is made from: a payload spec, or the ordered fields themselves. */
export type TensorLayoutSource = PayloadSpec | { readonly fields: readonly TensorField[] };

/**
 * One named feature of a tensor layout. `float` is stored at the codec's dtype, `int32` as a
 * 32-bit signed integer, `string` as UTF-8 with a uint16 length prefix, `category` as a uint16 id
 * into `vocabulary`, `vector` as `dims` contiguous floats at the codec's dtype.
 */
export type TensorField =
  | { readonly name: string; readonly type: 'float' | 'int32' | 'string' }
  | { readonly name: string; readonly type: 'category'; readonly vocabulary: readonly string[] }
  | { readonly name: string; readonly type: 'vector'; readonly dims: number };

/**
 * A `tensor` value as decoded: typed-array views over the stored bytes, grouped by type in the
 * layout's field order, with no object per feature. Views share memory with the Redis reply (or
 * with one aligned copy of it, see `tensor-serializer.ts`): treat them as read-only.
 */
export interface TensorValues {
  readonly kind: 'tensor';
  /** Hash of the layout it was written under (the envelope's). */
  readonly schemaHash: number;
  /** Every `float` field, in layout order. */
  readonly floats: Float32Array | Float64Array;
  /** Every `int32` field, in layout order. */
  readonly ints: Int32Array;
  /** Every `category` field as its id into the field's vocabulary, in layout order. */
  readonly categories: Uint16Array;
  /** Every `vector` field (the embedding), in layout order. */
  readonly vectors: ReadonlyArray<Float32Array | Float64Array>;
  /** Every `string` field, in layout order (decoded: a string is its own object). */
  readonly strings: readonly string[];
  /** The serialized payload: re-encoding a decoded value copies it instead of laying it out again. */
  readonly payload: Uint8Array;
}

/** What a cascade serves: a feature map (json, msgpack, and every source) or a decoded tensor. */
export type ServedValues = FeatureValues | TensorValues;

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
  values: ServedValues;
}

/**
 * Why bytes did not decode. `schema-mismatch`: a `tensor` value written under another layout of
 * its feature set (offline/online schema drift): the cascade counts it, refetches and rewrites.
 */
export type DecodeFailureReason = 'corrupt' | 'truncated' | 'codec-mismatch' | 'envelope-version' | 'feature-set-mismatch' | 'schema-mismatch';

/** Outcome of decoding bytes read from Redis: never throws for bad bytes. */
export type DecodeResult =
  | { ok: true; value: DecodedValue }
  | { ok: false; reason: DecodeFailureReason; detail: string };

export type DecodeFailure = Extract<DecodeResult, { ok: false }>;

/**
 * What `decodeInto` fills: the header of the value it returned, or why it returned null. One per
 * caller, reused across decodes; read it before the next one.
 */
export interface DecodeSlot {
  readonly header: EnvelopeHeader;
  failure: DecodeFailure | null;
}

export function newDecodeSlot(): DecodeSlot {
  return { header: { featureSet: '', version: '', writtenAtMs: 0, softExpiresAtMs: 0 }, failure: null };
}

/** Serializer + compressor + envelope. Implementations reuse encoders; `encode` returns a fresh Buffer. */
export interface Codec {
  readonly options: Readonly<CodecOptions>;
  /** Bytes for Redis. `rawBytes` (serialized size before compression) is reported through `stats`. */
  encode(header: EnvelopeHeader, values: ServedValues, stats?: EncodeStats): Buffer;
  /** `expectedFeatureSet` guards against schema drift: a header for another feature set is an error. */
  decode(bytes: Buffer, expectedFeatureSet: string): DecodeResult;
  /**
   * `decode` without a result object per value (three of them, on every Redis hit): the values, with
   * `slot.header` filled, or null with `slot.failure` set. Never throws for bad bytes.
   */
  decodeInto(bytes: Buffer, expectedFeatureSet: string, slot: DecodeSlot): ServedValues | null;
  /**
   * The bytes `encode` writes for values whose serialized form the caller already made (a warm job
   * serializing straight from file columns), appended to `sink`: compression and envelope as
   * `encode` applies them. `raw` must be exactly what this codec's serializer makes of those values.
   */
  appendSerialized(header: EnvelopeHeader, raw: Uint8Array, sink: ByteSink): void;
}

/** Filled by `encode` when given: sizes in bytes. */
export interface EncodeStats {
  rawBytes: number;
  encodedBytes: number;
  compressed: boolean;
}
