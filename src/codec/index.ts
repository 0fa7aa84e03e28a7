export { createCodec } from './create-codec.js';
export { describeCodec } from './describe-codec.js';
export { resolveCodecOptions, DEFAULT_COMPRESSION_LEVEL, type ResolvedCodecOptions } from './resolve-options.js';
export type { SerializerTuning } from './serializer.js';
export type { MsgpackKeyDecoding } from './msgpack-serializer.js';
export { ENVELOPE_VERSION, FIXED_HEADER_BYTES } from './envelope.js';
export type {
  Codec,
  CodecOptions,
  CompressionKind,
  DecodeResult,
  DecodedValue,
  EncodeStats,
  EnvelopeHeader,
  SerializerFormat,
  ServedValues,
  TensorDtype,
  TensorField,
  TensorLayoutSource,
  TensorValues,
} from './types.js';
export { buildTensorLayout, type TensorLayout } from './tensor-layout.js';
