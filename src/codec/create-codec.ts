import { FcbenchError } from '../errors.js';
import { asBuffer, createCompressor } from './compressor.js';
import { describeCodec } from './describe-codec.js';
import { appendEnvelope, createEnvelopeView, readEnvelope, writeEnvelope, type EnvelopeArgs } from './envelope.js';
import type { ByteSink } from './byte-sink.js';
import { resolveCodecOptions } from './resolve-options.js';
import { createSerializer, type Serializer, type SerializerTuning } from './serializer.js';
import { StringInterner } from './string-interner.js';
import { buildTensorLayout } from './tensor-layout.js';
import { createTensorSerializer } from './tensor-serializer.js';
import { newDecodeSlot, type Codec, type CodecOptions, type DecodeFailure, type DecodeResult, type DecodeSlot, type EncodeStats, type EnvelopeHeader, type ServedValues } from './types.js';
import { COMPRESSION_IDS, SERIALIZER_IDS, compressionForId, serializerForId } from './wire-ids.js';

/** A decode failure put in the slot: what `decodeInto` returns it with. */
function failed(slot: DecodeSlot, reason: DecodeFailure['reason'], detail: string): null {
  slot.failure = { ok: false, reason, detail };
  return null;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Feature values are a string-keyed map (or a decoded tensor); anything else decoded from a payload is not a value we wrote. */
function isServedValues(value: unknown): value is ServedValues {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** How one feature set's payload is serialized, and the schema hash its envelopes carry (-1: none). */
interface PayloadFormat {
  readonly serializer: Serializer;
  readonly schemaHash: number;
}

/**
 * json and msgpack: one serializer for every feature set, no schema hash. tensor: one serializer
 * per feature set, bound to its layout, whose hash goes into every envelope.
 */
function payloadFormats(resolved: ReturnType<typeof resolveCodecOptions>, tuning: SerializerTuning): (featureSet: string) => PayloadFormat | undefined {
  if (resolved.format !== 'tensor') {
    const shared: PayloadFormat = { serializer: createSerializer(resolved.format, tuning), schemaHash: -1 };
    return () => shared;
  }
  const bySet = new Map<string, PayloadFormat>();
  for (const [featureSet, source] of Object.entries(resolved.layouts)) {
    const layout = buildTensorLayout(source, resolved.dtype, `codec tensor layout of ${featureSet}`);
    bySet.set(featureSet, { serializer: createTensorSerializer(layout), schemaHash: layout.hash });
  }
  return (featureSet) => bySet.get(featureSet);
}

/**
 * A codec: serializer + compressor (above `compressAboveBytes`) + envelope. Each instance owns its
 * reused encoder, decoder and compression contexts, so give each replica / cascade its own.
 * `tuning` changes speed only, never the bytes' meaning (values stay readable by any codec with
 * the same options).
 */
export function createCodec(options: CodecOptions, tuning: SerializerTuning = {}): Codec {
  const resolved = resolveCodecOptions(options);
  const formatFor = payloadFormats(resolved, tuning);
  const compressor = createCompressor(resolved.compression, resolved.level);
  const serializerId = SERIALIZER_IDS[resolved.format];
  const compressionId = COMPRESSION_IDS[resolved.compression];
  const canCompress = resolved.compression !== 'none';
  const name = describeCodec(resolved);
  const view = createEnvelopeView();
  const strings = new StringInterner();

  const noLayout = (featureSet: string) =>
    `codec ${name}: no tensor layout for feature set ${JSON.stringify(featureSet)} (has: ${Object.keys(resolved.layouts).join(', ')})`;

  /** The feature set's payload format, for writing: bad input for a set this codec has no layout for. */
  function writeFormatOf(featureSet: string): PayloadFormat {
    const format = formatFor(featureSet);
    if (format === undefined) throw new FcbenchError('bad-input', noLayout(featureSet));
    return format;
  }

  function encode(header: EnvelopeHeader, values: ServedValues, stats?: EncodeStats): Buffer {
    const format = writeFormatOf(header.featureSet);
    let raw: Uint8Array;
    try {
      raw = format.serializer.serialize(values);
    } catch (error) {
      throw new FcbenchError('bad-input', `codec ${name}: cannot serialize the values of ${header.featureSet}: ${message(error)}`, {
        cause: error,
      });
    }
    const bytes = writeEnvelope(...envelopeOf(header, raw, format.schemaHash));
    if (stats !== undefined) {
      stats.rawBytes = raw.length;
      stats.encodedBytes = bytes.length;
      stats.compressed = compresses(raw.length);
    }
    return bytes;
  }

  function compresses(rawBytes: number): boolean {
    return canCompress && rawBytes >= resolved.compressAboveBytes;
  }

  /** Compression above the threshold, then what the envelope holds: everything after serializing. */
  function envelopeOf(header: EnvelopeHeader, raw: Uint8Array, schemaHash: number): EnvelopeArgs {
    const compressed = compresses(raw.length);
    return [header, serializerId, compressionId, raw.length, compressed, compressed ? compressor.compress(raw) : raw, schemaHash];
  }

  function appendSerialized(header: EnvelopeHeader, raw: Uint8Array, sink: ByteSink): void {
    appendEnvelope(sink, ...envelopeOf(header, raw, writeFormatOf(header.featureSet).schemaHash));
  }

  function decodeUnguarded(bytes: Buffer, expectedFeatureSet: string, slot: DecodeSlot): ServedValues | null {
    const broken = readEnvelope(bytes, view);
    if (broken !== null) {
      slot.failure = broken;
      return null;
    }
    if (view.serializerId !== serializerId || view.compressionId !== compressionId) {
      const written = `${String(serializerForId(view.serializerId))}+${String(compressionForId(view.compressionId))}`;
      return failed(slot, 'codec-mismatch', `written as ${written}, this codec reads ${resolved.format}+${resolved.compression}`);
    }
    if (!strings.equals(expectedFeatureSet, bytes, view.featureSetStart, view.featureSetEnd)) {
      const found = bytes.toString('utf8', view.featureSetStart, view.featureSetEnd);
      return failed(slot, 'feature-set-mismatch', `value is for feature set ${JSON.stringify(found)}, expected ${JSON.stringify(expectedFeatureSet)}`);
    }
    const format = formatFor(expectedFeatureSet);
    if (format === undefined) return failed(slot, 'schema-mismatch', noLayout(expectedFeatureSet));
    if (view.schemaHash !== format.schemaHash) {
      const hex = (hash: number) => (hash < 0 ? 'none' : hash.toString(16).padStart(8, '0'));
      return failed(slot, 'schema-mismatch', `written under layout ${hex(view.schemaHash)}, this reader's ${expectedFeatureSet} layout is ${hex(format.schemaHash)}`);
    }
    let values: unknown;
    try {
      const serializer = format.serializer;
      if (!view.compressed && serializer.deserializeRange !== undefined) {
        values = serializer.deserializeRange(bytes, view.payloadStart, view.payloadEnd);
      } else {
        const payload = bytes.subarray(view.payloadStart, view.payloadEnd);
        values = serializer.deserialize(view.compressed ? compressor.decompress(payload, view.rawBytes) : payload);
      }
    } catch (error) {
      const step = view.compressed ? `${resolved.compression}/${resolved.format}` : resolved.format;
      return failed(slot, 'corrupt', `payload does not decode as ${step}: ${message(error)}`);
    }
    if (!isServedValues(values)) return failed(slot, 'corrupt', `payload decoded to ${Array.isArray(values) ? 'an array' : typeof values}, not a map`);
    const header = slot.header;
    header.featureSet = expectedFeatureSet;
    header.version = strings.decode(bytes, view.versionStart, view.featureSetStart);
    header.writtenAtMs = view.writtenAtMs;
    header.softExpiresAtMs = view.softExpiresAtMs;
    slot.failure = null;
    return values;
  }

  function decodeInto(bytes: Buffer, expectedFeatureSet: string, slot: DecodeSlot): ServedValues | null {
    try {
      return decodeUnguarded(asBuffer(bytes), expectedFeatureSet, slot);
    } catch (error) {
      // Last line of defence: decode reports bad bytes, it never throws on them.
      return failed(slot, 'corrupt', `undecodable value: ${message(error)}`);
    }
  }

  function decode(bytes: Buffer, expectedFeatureSet: string): DecodeResult {
    const slot = newDecodeSlot();
    const values = decodeInto(bytes, expectedFeatureSet, slot);
    return values === null ? (slot.failure as DecodeFailure) : { ok: true, value: { header: slot.header, values } };
  }

  return {
    options: Object.freeze({ ...resolved }),
    encode,
    decode,
    decodeInto,
    appendSerialized,
  };
}
