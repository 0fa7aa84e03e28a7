import type { SerializerFormat } from './types.js';
import { createJsonSerializer } from './json-serializer.js';
import { createMsgpackSerializer, type MsgpackKeyDecoding } from './msgpack-serializer.js';

/**
 * Turns feature values into bytes and back. One instance per codec: implementations reuse their
 * buffers, so they are not safe to share between codecs that may interleave calls.
 */
export interface Serializer {
  readonly format: SerializerFormat;
  /**
   * Serialized bytes. The result is a view into a reused buffer, valid only until the next call:
   * the codec copies it once into the envelope.
   */
  serialize(values: unknown): Uint8Array;
  /** Parses bytes; throws on malformed input (the codec maps that to `corrupt`). */
  deserialize(bytes: Buffer): unknown;
  /**
   * `deserialize(bytes.subarray(start, end))` without making the subarray: a Buffer view is an
   * object of ~100 bytes, on every Redis hit. Serializers that read in place have it.
   */
  deserializeRange?(bytes: Buffer, start: number, end: number): unknown;
}

/** Serializer tuning that is not part of the stored format (values written either way decode the same). */
export interface SerializerTuning {
  /** How msgpack decodes map keys. @default 'hashed' */
  msgpackKeyDecoding?: MsgpackKeyDecoding;
}

export function createSerializer(format: SerializerFormat, tuning: SerializerTuning = {}): Serializer {
  switch (format) {
    case 'json':
      return createJsonSerializer();
    case 'msgpack':
      return createMsgpackSerializer(tuning.msgpackKeyDecoding ?? 'hashed');
    case 'tensor':
      // A tensor serializer is bound to one feature set's layout: create-codec builds one per set.
      throw new Error('createSerializer: tensor serializers are built per layout (createTensorSerializer)');
  }
}
