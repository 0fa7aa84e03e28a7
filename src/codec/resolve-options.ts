import { badInput } from '../errors.js';
import type { CodecOptions, CompressionKind, SerializerFormat, TensorDtype, TensorLayoutSource } from './types.js';
import { COMPRESSION_IDS, SERIALIZER_IDS } from './wire-ids.js';

/** Compression level used when `CodecOptions.level` is not given (fast levels suit a cache hot path). */
export const DEFAULT_COMPRESSION_LEVEL = 1;

/** Valid `level` range per compressor; lz4 block mode has no level. */
const LEVEL_RANGES: Readonly<Record<CompressionKind, readonly [number, number] | null>> = {
  none: null,
  deflate: [0, 9],
  gzip: [0, 9],
  zstd: [-7, 22],
  lz4: null,
};

/** `CodecOptions` after validation and defaults: a new object, the caller's is never touched. */
export interface ResolvedCodecOptions {
  readonly format: SerializerFormat;
  readonly compression: CompressionKind;
  /** Serialized size in bytes from which the payload is compressed. */
  readonly compressAboveBytes: number;
  /** Compressor level (ignored by `none` and `lz4`). */
  readonly level: number;
  /** `tensor` float width. */
  readonly dtype: TensorDtype;
  /** `tensor` layouts by feature set (empty for the other formats). */
  readonly layouts: Readonly<Record<string, TensorLayoutSource>>;
}

/** Float width of `tensor` values when `CodecOptions.dtype` is not given. */
export const DEFAULT_TENSOR_DTYPE: TensorDtype = 'float32';

/** Validates raw options (they may come from untyped JS or a scenario) and applies defaults. */
export function resolveCodecOptions(raw: CodecOptions): ResolvedCodecOptions {
  const format: unknown = raw.format;
  if (typeof format !== 'string' || !Object.hasOwn(SERIALIZER_IDS, format)) {
    throw badInput(`codec.format: unknown serializer ${JSON.stringify(format)}; use one of ${Object.keys(SERIALIZER_IDS).join(', ')}`);
  }
  const compression: unknown = raw.compression;
  if (typeof compression !== 'string' || !Object.hasOwn(COMPRESSION_IDS, compression)) {
    throw badInput(
      `codec.compression: unknown compression ${JSON.stringify(compression)}; use one of ${Object.keys(COMPRESSION_IDS).join(', ')}`,
    );
  }
  const compressAboveBytes: unknown = raw.compressAboveBytes ?? 0;
  if (typeof compressAboveBytes !== 'number' || !Number.isSafeInteger(compressAboveBytes) || compressAboveBytes < 0) {
    throw badInput(`codec.compressAbove: must be a whole number of bytes >= 0, got ${String(compressAboveBytes)}`);
  }
  const kind = compression as CompressionKind;
  const level: unknown = raw.level ?? DEFAULT_COMPRESSION_LEVEL;
  const range = LEVEL_RANGES[kind];
  if (typeof level !== 'number' || !Number.isInteger(level)) {
    throw badInput(`codec.level: must be an integer, got ${String(level)}`);
  }
  if (range !== null && raw.level !== undefined && (level < range[0] || level > range[1])) {
    throw badInput(`codec.level: ${kind} accepts levels ${range[0]}..${range[1]}, got ${level}`);
  }
  const dtype: unknown = raw.dtype ?? DEFAULT_TENSOR_DTYPE;
  if (dtype !== 'float32' && dtype !== 'float64') throw badInput(`codec.dtype: use float32 or float64, got ${JSON.stringify(dtype)}`);
  const layouts = raw.layouts ?? {};
  if (format === 'tensor' && Object.keys(layouts).length === 0) {
    throw badInput('codec.format tensor: needs the layout (payload spec) of every feature set it stores (codec.layouts)');
  }
  return { format: format as SerializerFormat, compression: kind, compressAboveBytes, level, dtype, layouts: format === 'tensor' ? { ...layouts } : {} };
}
