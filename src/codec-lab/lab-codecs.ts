import { DEFAULT_COMPRESSION_LEVEL } from '../codec/resolve-options.js';
import type { CompressionKind, SerializerFormat } from '../codec/types.js';
import type { LabCodec } from './lab-types.js';

export const LAB_FORMATS: readonly SerializerFormat[] = ['json', 'msgpack', 'tensor'];

/**
 * Each compressor at the codec's default level (1: fast levels suit a cache hot path) and one
 * other: 6 for deflate and gzip (zlib's own default), 3 for zstd (zstd's own default). lz4 block
 * mode has no level, so it has one row.
 */
const OTHER_LEVEL: Readonly<Record<Exclude<CompressionKind, 'none' | 'lz4'>, number>> = { deflate: 6, gzip: 6, zstd: 3 };

/** The compressions of one format: none, then every compressor at each of its levels. */
export function labCompressions(): Array<Pick<LabCodec, 'compression' | 'level'>> {
  const rows: Array<Pick<LabCodec, 'compression' | 'level'>> = [{ compression: 'none', level: null }];
  for (const compression of ['deflate', 'gzip', 'zstd'] as const) {
    rows.push({ compression, level: DEFAULT_COMPRESSION_LEVEL }, { compression, level: OTHER_LEVEL[compression] });
  }
  rows.push({ compression: 'lz4', level: null });
  return rows;
}

/** Every format x compression x level the lab measures. */
export function labCodecs(formats: readonly SerializerFormat[] = LAB_FORMATS): LabCodec[] {
  return formats.flatMap((format) => labCompressions().map((c) => ({ format, ...c })));
}

/** `msgpack`, `msgpack+zstd-3`, `tensor+lz4`: the codec's name in tables, charts and notes. */
export function labCodecLabel(codec: LabCodec): string {
  if (codec.compression === 'none') return codec.format;
  return `${codec.format}+${codec.compression}${codec.level === null ? '' : `-${codec.level}`}`;
}
