import { DEFAULT_COMPRESSION_LEVEL } from './resolve-options.js';
import type { CodecOptions } from './types.js';

const KIB = 1024;
const MIB = 1024 * KIB;

/** `2048` -> `2KB`, `1048576` -> `1MB`, `1500` -> `1500B`: exact, never rounded. */
export function formatBytes(bytes: number): string {
  if (bytes >= MIB && bytes % MIB === 0) return `${bytes / MIB}MB`;
  if (bytes >= KIB && bytes % KIB === 0) return `${bytes / KIB}KB`;
  return `${bytes}B`;
}

/**
 * A short label for reports and bench rows: `msgpack`, `json+gzip`, `msgpack+zstd>2KB`,
 * `msgpack+zstd-3>2KB` (level shown only when not the default; KB = 1024 bytes); `tensor-f64`
 * for a float64 tensor.
 */
export function describeCodec(options: CodecOptions): string {
  const format = options.format === 'tensor' && options.dtype === 'float64' ? 'tensor-f64' : options.format;
  if (options.compression === 'none') return format;
  const level = options.level ?? DEFAULT_COMPRESSION_LEVEL;
  const usesLevel = options.compression !== 'lz4';
  const levelPart = usesLevel && level !== DEFAULT_COMPRESSION_LEVEL ? `-${level}` : '';
  const threshold = options.compressAboveBytes ?? 0;
  const thresholdPart = threshold > 0 ? `>${formatBytes(threshold)}` : '';
  return `${format}+${options.compression}${levelPart}${thresholdPart}`;
}
