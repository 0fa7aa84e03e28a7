import { Decoder, Encoder, type DecoderOptions } from '@msgpack/msgpack';
import { createFlatMsgpackEncoder } from './msgpack-flat-encoder.js';
import { HashedKeyDecoder } from './msgpack-key-cache.js';
import type { Serializer } from './serializer.js';

/**
 * How map keys are turned into strings on decode:
 * - `hashed`: a per-codec `HashedKeyDecoder`, so repeated feature names are looked up, not decoded;
 * - `library-default`: the library's shared `CachedKeyDecoder` (16 keys per key length);
 * - `uncached`: decode every key (`keyDecoder: null`).
 * `bench/codec.ts` measures all three.
 */
export type MsgpackKeyDecoding = 'hashed' | 'library-default' | 'uncached';

function decoderOptions(mode: MsgpackKeyDecoding): DecoderOptions {
  switch (mode) {
    case 'hashed':
      return { keyDecoder: new HashedKeyDecoder() };
    case 'library-default':
      return {};
    case 'uncached':
      return { keyDecoder: null };
  }
}

/**
 * @msgpack/msgpack with one reused `Encoder` and `Decoder`, and the flat fast path
 * (msgpack-flat-encoder.ts) in front of the encoder for the usual feature bundle. `encodeSharedRef` returns a view into
 * the encoder's buffer, which the codec copies once into the envelope (`encode` would copy twice).
 * Floats stay float64 and safe integers stay integers, so values round-trip exactly (except -0,
 * which msgpack stores as the integer 0).
 */
export function createMsgpackSerializer(keyDecoding: MsgpackKeyDecoding): Serializer {
  const flat = createFlatMsgpackEncoder();
  const encoder = new Encoder();
  const decoder = new Decoder(decoderOptions(keyDecoding));
  return {
    format: 'msgpack',
    serialize(values) {
      return flat.encode(values) ?? encoder.encodeSharedRef(values);
    },
    deserialize(bytes) {
      return decoder.decode(bytes);
    },
  };
}
