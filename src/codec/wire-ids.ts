import type { CompressionKind, SerializerFormat } from './types.js';

/**
 * Wire ids stored in the envelope header. They are part of the stored format: never renumber,
 * only append (a value written by an older build must still name its codec correctly).
 */
export const SERIALIZER_IDS: Readonly<Record<SerializerFormat, number>> = {
  json: 1,
  msgpack: 2,
  tensor: 3,
};

export const COMPRESSION_IDS: Readonly<Record<CompressionKind, number>> = {
  none: 0,
  deflate: 1,
  gzip: 2,
  zstd: 3,
  lz4: 4,
};

const SERIALIZER_BY_ID: ReadonlyMap<number, SerializerFormat> = new Map(
  Object.entries(SERIALIZER_IDS).map(([name, id]) => [id, name as SerializerFormat]),
);
const COMPRESSION_BY_ID: ReadonlyMap<number, CompressionKind> = new Map(
  Object.entries(COMPRESSION_IDS).map(([name, id]) => [id, name as CompressionKind]),
);

/** The format a wire id names, or undefined for an id no build has ever written. */
export function serializerForId(id: number): SerializerFormat | undefined {
  return SERIALIZER_BY_ID.get(id);
}

/** The compression a wire id names, or undefined for an id no build has ever written. */
export function compressionForId(id: number): CompressionKind | undefined {
  return COMPRESSION_BY_ID.get(id);
}
