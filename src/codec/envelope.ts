import { badInput } from '../errors.js';
import type { ByteSink } from './byte-sink.js';
import type { DecodeFailure, EnvelopeHeader } from './types.js';
import { compressionForId, serializerForId } from './wire-ids.js';

/**
 * The value envelope: a fixed 34-byte header, two length-prefixed UTF-8 strings, then the payload.
 *
 *   offset  size  field
 *   0       2     magic 0xFC 0xB1 ("fcb")
 *   2       1     envelope version (1)
 *   3       1     serializer id            (wire-ids.ts)
 *   4       1     compression id           the codec's configured compression, applied or not
 *   5       1     flags                    bit 0: payload is compressed; other bits must be 0
 *   6       8     writtenAtMs              float64 LE
 *   14      8     softExpiresAtMs          float64 LE (0 = no soft TTL)
 *   22      4     payload length, bytes    uint32 LE: lets decode tell truncated from trailing garbage
 *   26      4     raw length, bytes        uint32 LE: serialized size before compression, so decompressors
 *                                          allocate once and check their output (raw inflate is ~5x faster
 *                                          given its output size); equals the payload length when uncompressed
 *   30      2     version length, bytes    uint16 LE
 *   32      2     featureSet length, bytes uint16 LE
 *   34      ...   version, featureSet, payload
 *
 * With flag bit 1 (schema hash; the `tensor` format sets it) an 8-byte block follows the fixed
 * header, and padding puts the payload at an offset that is a multiple of 8:
 *
 *   34      4     schema hash              uint32 LE: the layout the payload was written under
 *   38      1     padding, bytes           0..7, between featureSet and payload
 *   39      3     reserved, 0
 *   42      ...   version, featureSet, padding, payload   (payload offset % 8 == 0)
 *
 * The magic and the version byte never move, so any future layout can still be told apart.
 */
export const ENVELOPE_MAGIC_0 = 0xfc;
export const ENVELOPE_MAGIC_1 = 0xb1;
export const ENVELOPE_VERSION = 1;
export const FIXED_HEADER_BYTES = 34;

const FLAG_COMPRESSED = 0b0000_0001;
const FLAG_SCHEMA_HASH = 0b0000_0010;
const KNOWN_FLAGS = FLAG_COMPRESSED | FLAG_SCHEMA_HASH;
/** Size of the schema-hash block that follows the fixed header when FLAG_SCHEMA_HASH is set. */
const SCHEMA_BLOCK_BYTES = 8;
/** Payloads after a schema hash start at a multiple of this offset (the widest typed array, float64). */
export const PAYLOAD_ALIGNMENT = 8;
const MAX_STRING_BYTES = 0xffff;
/**
 * No compressor we use expands data more than this per stored byte (zstd's RLE blocks come
 * closest); a header claiming more is garbage and must not make the decoder allocate gigabytes.
 */
const MAX_EXPANSION_RATIO = 32_768;

/** Where the parts of one envelope sit; filled in place by `readEnvelope` so decoding allocates nothing for it. */
export interface EnvelopeView {
  serializerId: number;
  compressionId: number;
  compressed: boolean;
  /** Serialized size before compression, bytes. */
  rawBytes: number;
  writtenAtMs: number;
  softExpiresAtMs: number;
  /** The schema hash (uint32), or -1 when the envelope carries none. */
  schemaHash: number;
  versionStart: number;
  featureSetStart: number;
  /** End of the featureSet string (the payload may start later, after alignment padding). */
  featureSetEnd: number;
  payloadStart: number;
  payloadEnd: number;
}

export type EnvelopeFailure = DecodeFailure;

export function createEnvelopeView(): EnvelopeView {
  return {
    serializerId: 0,
    compressionId: 0,
    compressed: false,
    rawBytes: 0,
    writtenAtMs: 0,
    softExpiresAtMs: 0,
    schemaHash: -1,
    versionStart: 0,
    featureSetStart: 0,
    featureSetEnd: 0,
    payloadStart: 0,
    payloadEnd: 0,
  };
}

/**
 * A header string's UTF-8 bytes, remembered for the last string seen in each field: a codec
 * writes the same version and feature set for value after value (a warm job, a set's fills), and
 * measuring and encoding them again was four native calls per value. Throws `bad-input` for a
 * string too long for its uint16 length.
 */
class HeaderString {
  private last: string | null = null;
  private bytes: Buffer = Buffer.alloc(0);

  constructor(private readonly field: string) {}

  of(value: string): Buffer {
    if (value === this.last) return this.bytes;
    const bytes = Buffer.from(value, 'utf8');
    if (bytes.length > MAX_STRING_BYTES) throw badInput(`codec: ${this.field} is ${bytes.length} bytes of UTF-8; the envelope holds at most ${MAX_STRING_BYTES}`);
    this.last = value;
    this.bytes = bytes;
    return bytes;
  }
}

const versionStrings = new HeaderString('version');
const featureSetStrings = new HeaderString('featureSet');

/** Offsets of an envelope's parts from its start, for one header. */
interface EnvelopeLayout {
  version: Buffer;
  featureSet: Buffer;
  stringsStart: number;
  unpadded: number;
  padding: number;
  payloadStart: number;
}

/** Where the parts go for this header's strings (`bad-input` for one too long, via HeaderString). */
function layoutOf(header: EnvelopeHeader, schemaHash: number): EnvelopeLayout {
  const version = versionStrings.of(header.version);
  const featureSet = featureSetStrings.of(header.featureSet);
  const stringsStart = schemaHash >= 0 ? FIXED_HEADER_BYTES + SCHEMA_BLOCK_BYTES : FIXED_HEADER_BYTES;
  const unpadded = stringsStart + version.length + featureSet.length;
  const padding = schemaHash >= 0 ? (PAYLOAD_ALIGNMENT - (unpadded % PAYLOAD_ALIGNMENT)) % PAYLOAD_ALIGNMENT : 0;
  return { version, featureSet, stringsStart, unpadded, padding, payloadStart: unpadded + padding };
}

/** What an envelope holds: header, codec ids, the payload and its size before compression, the schema hash (-1: none). */
export type EnvelopeArgs = [
  header: EnvelopeHeader,
  serializerId: number,
  compressionId: number,
  rawBytes: number,
  compressed: boolean,
  payload: Uint8Array,
  schemaHash?: number,
];

/**
 * One fresh Buffer holding header and payload: the payload's single copy. `schemaHash` (a uint32,
 * or -1 for none) adds the schema block and aligns the payload to `PAYLOAD_ALIGNMENT`.
 */
export function writeEnvelope(...args: EnvelopeArgs): Buffer {
  const layout = layoutOf(args[0], args[6] ?? -1);
  const out = Buffer.allocUnsafe(layout.payloadStart + args[5].length);
  writeAt(out, 0, layout, ...args);
  return out;
}

/**
 * The same bytes as `writeEnvelope`, appended to `sink` (a batch of values packed in one buffer, as
 * a warm job's worker posts them): no Buffer per value, no second copy.
 */
export function appendEnvelope(sink: ByteSink, ...args: EnvelopeArgs): void {
  const layout = layoutOf(args[0], args[6] ?? -1);
  const size = layout.payloadStart + args[5].length;
  sink.reserve(size);
  writeAt(sink.buffer, sink.length, layout, ...args);
  sink.length += size;
}

function writeAt(out: Buffer, at: number, layout: EnvelopeLayout, ...[header, serializerId, compressionId, rawBytes, compressed, payload, schemaHash = -1]: EnvelopeArgs): void {
  const hasSchema = schemaHash >= 0;
  const { version, featureSet, stringsStart, unpadded, payloadStart } = layout;
  out[at] = ENVELOPE_MAGIC_0;
  out[at + 1] = ENVELOPE_MAGIC_1;
  out[at + 2] = ENVELOPE_VERSION;
  out[at + 3] = serializerId;
  out[at + 4] = compressionId;
  out[at + 5] = (compressed ? FLAG_COMPRESSED : 0) | (hasSchema ? FLAG_SCHEMA_HASH : 0);
  out.writeDoubleLE(header.writtenAtMs, at + 6);
  out.writeDoubleLE(header.softExpiresAtMs, at + 14);
  out.writeUInt32LE(payload.length, at + 22);
  out.writeUInt32LE(rawBytes, at + 26);
  out.writeUInt16LE(version.length, at + 30);
  out.writeUInt16LE(featureSet.length, at + 32);
  if (hasSchema) {
    out.writeUInt32LE(schemaHash, at + FIXED_HEADER_BYTES);
    out.writeUInt32LE(layout.padding, at + FIXED_HEADER_BYTES + 4); // padding byte, then 3 reserved zero bytes
  }
  // Byte loops: these strings are a few bytes, below a native copy's break-even.
  let p = at + stringsStart;
  for (let i = 0; i < version.length; i++) out[p++] = version[i]!;
  for (let i = 0; i < featureSet.length; i++) out[p++] = featureSet[i]!;
  out.fill(0, at + unpadded, at + payloadStart);
  out.set(payload, at + payloadStart);
}

function fail(reason: EnvelopeFailure['reason'], detail: string): EnvelopeFailure {
  return { ok: false, reason, detail };
}

/**
 * Parses the header of `bytes` into `view`. Returns a failure for anything that is not a whole,
 * well-formed envelope; codec and feature-set checks are the caller's (they depend on its options).
 * Reads only what the header declares: it never guesses the format by trying to decode.
 */
export function readEnvelope(bytes: Buffer, view: EnvelopeView): EnvelopeFailure | null {
  const length = bytes.length;
  // A prefix of the magic is a cut-off envelope; anything else is not ours.
  if ((length > 0 && bytes[0] !== ENVELOPE_MAGIC_0) || (length > 1 && bytes[1] !== ENVELOPE_MAGIC_1)) {
    return fail('corrupt', 'not an fcbench envelope (wrong magic bytes)');
  }
  if (length < 3) return fail('truncated', `${length} bytes, shorter than the envelope header`);
  const envelopeVersion = bytes[2];
  if (envelopeVersion !== ENVELOPE_VERSION) {
    return fail('envelope-version', `envelope version ${String(envelopeVersion)}, this build reads version ${ENVELOPE_VERSION}`);
  }
  if (length < FIXED_HEADER_BYTES) return fail('truncated', `${length} bytes, shorter than the ${FIXED_HEADER_BYTES}-byte header`);
  const serializerId = bytes[3]!;
  const compressionId = bytes[4]!;
  const flags = bytes[5]!;
  if (serializerForId(serializerId) === undefined) return fail('corrupt', `unknown serializer id ${serializerId}`);
  const compression = compressionForId(compressionId);
  if (compression === undefined) return fail('corrupt', `unknown compression id ${compressionId}`);
  if ((flags & ~KNOWN_FLAGS) !== 0) return fail('corrupt', `unknown header flags 0x${flags.toString(16)}`);
  const compressed = (flags & FLAG_COMPRESSED) !== 0;
  if (compressed && compression === 'none') return fail('corrupt', 'compressed flag set without a compression');
  const payloadBytes = u32(bytes, 22);
  const rawBytes = u32(bytes, 26);
  let versionStart = FIXED_HEADER_BYTES;
  let schemaHash = -1;
  let padding = 0;
  if ((flags & FLAG_SCHEMA_HASH) !== 0) {
    if (length < FIXED_HEADER_BYTES + SCHEMA_BLOCK_BYTES) return fail('truncated', `${length} bytes, shorter than the header with its schema block`);
    schemaHash = u32(bytes, FIXED_HEADER_BYTES);
    padding = bytes[FIXED_HEADER_BYTES + 4]!;
    if (padding >= PAYLOAD_ALIGNMENT || (bytes[FIXED_HEADER_BYTES + 5]! | bytes[FIXED_HEADER_BYTES + 6]! | bytes[FIXED_HEADER_BYTES + 7]!) !== 0) return fail('corrupt', 'malformed schema block');
    versionStart += SCHEMA_BLOCK_BYTES;
  }
  const featureSetStart = versionStart + u16(bytes, 30);
  const payloadStart = featureSetStart + u16(bytes, 32) + padding;
  const payloadEnd = payloadStart + payloadBytes;
  if (length < payloadEnd) return fail('truncated', `${length} bytes, the header says ${payloadEnd}`);
  if (length > payloadEnd) return fail('corrupt', `${length} bytes, the header says ${payloadEnd} (trailing bytes)`);
  if (compressed ? rawBytes > payloadBytes * MAX_EXPANSION_RATIO : rawBytes !== payloadBytes) {
    return fail('corrupt', `raw length ${rawBytes} is impossible for a ${compressed ? 'compressed' : 'stored'} payload of ${payloadBytes} bytes`);
  }
  view.serializerId = serializerId;
  view.compressionId = compressionId;
  view.compressed = compressed;
  view.rawBytes = rawBytes;
  view.writtenAtMs = bytes.readDoubleLE(6);
  view.softExpiresAtMs = bytes.readDoubleLE(14);
  view.schemaHash = schemaHash;
  view.versionStart = versionStart;
  view.featureSetStart = featureSetStart;
  view.featureSetEnd = payloadStart - padding;
  view.payloadStart = payloadStart;
  view.payloadEnd = payloadEnd;
  return null;
}

// Plain indexing where the length is already checked: Buffer's readUInt* validate offset and bounds
// on each call, ten calls per envelope, read on every Redis hit.
function u16(bytes: Buffer, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8);
}

function u32(bytes: Buffer, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16)) + bytes[at + 3]! * 0x1000000;
}
