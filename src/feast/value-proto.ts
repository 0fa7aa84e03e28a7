import protobuf from 'protobufjs';

/**
 * Feast's feature values as protobuf bytes: `feast.types.Value` (protos/feast/types/Value.proto,
 * a oneof `val`) for features and `google.protobuf.Timestamp` for the `_ts:<view>` field, through
 * protobufjs. Only the field numbers matter on the wire; the definition below names the scalar and
 * list members of the oneof (the map, set and struct members are not read or written by fcbench).
 *
 * fcbench's payload maps onto Feast types as a Feast user would declare them: float features
 * (`f0..`) are Float64 (`double_val`, the payload has full double precision), int features
 * (`i0..`) Int64 (`int64_val`), strings String (`string_val`), the embedding Array(Float32)
 * (`float_list_val`, its values are float32 already). Reading takes whichever member is set, so a
 * Redis Feast materialized with other types (Int32, Float32, Bool, lists) reads too.
 */

const list = (type: string) => ({ fields: { val: { rule: 'repeated', type, id: 1 } } });
const VALUE_MEMBERS = {
  bytesVal: ['bytes', 1],
  stringVal: ['string', 2],
  int32Val: ['int32', 3],
  int64Val: ['int64', 4],
  doubleVal: ['double', 5],
  floatVal: ['float', 6],
  boolVal: ['bool', 7],
  unixTimestampVal: ['int64', 8],
  bytesListVal: ['BytesList', 11],
  stringListVal: ['StringList', 12],
  int32ListVal: ['Int32List', 13],
  int64ListVal: ['Int64List', 14],
  doubleListVal: ['DoubleList', 15],
  floatListVal: ['FloatList', 16],
  boolListVal: ['BoolList', 17],
  unixTimestampListVal: ['Int64List', 18],
} as const;
type Member = keyof typeof VALUE_MEMBERS;

const root = protobuf.Root.fromJSON({
  nested: {
    feast: {
      nested: {
        types: {
          nested: {
            Value: {
              oneofs: { val: { oneof: Object.keys(VALUE_MEMBERS) } },
              fields: Object.fromEntries(Object.entries(VALUE_MEMBERS).map(([name, [type, id]]) => [name, { type, id }])),
            },
            BytesList: list('bytes'),
            StringList: list('string'),
            Int32List: list('int32'),
            Int64List: list('int64'),
            DoubleList: list('double'),
            FloatList: list('float'),
            BoolList: list('bool'),
          },
        },
      },
    },
    google: { nested: { protobuf: { nested: { Timestamp: { fields: { seconds: { type: 'int64', id: 1 }, nanos: { type: 'int32', id: 2 } } } } } } },
  },
});
const ValueType = root.lookupType('feast.types.Value');
const TimestampType = root.lookupType('google.protobuf.Timestamp');

/** How one fcbench feature is written: the `Value` member its payload kind maps to. */
export type FeastValueKind = 'doubleVal' | 'int64Val' | 'stringVal' | 'floatListVal';

/** The member a payload feature is written as, from its name (`f0`, `i0`, `s0`, `emb`: src/workload/payload.ts). */
export function valueKindOf(feature: string): FeastValueKind {
  if (feature === 'emb') return 'floatListVal';
  if (feature.startsWith('i')) return 'int64Val';
  if (feature.startsWith('s')) return 'stringVal';
  return 'doubleVal';
}

export function encodeValue(kind: FeastValueKind, value: unknown): Buffer {
  const message = kind === 'floatListVal' ? { floatListVal: { val: value } } : { [kind]: value };
  return Buffer.from(ValueType.encode(message).finish());
}

type Longish = number | { toNumber(): number };
const toNumber = (v: Longish): number => (typeof v === 'number' ? v : v.toNumber());

/**
 * The JS value of a serialized `Value`: a number, string, number[] (lists), Buffer (bytes) or
 * boolean; null for an empty `Value` (Feast's missing value). Throws on bytes that are not a
 * `Value` (protobufjs's own error).
 */
export function decodeValue(bytes: Uint8Array): unknown {
  const message = ValueType.decode(bytes) as unknown as Record<string, unknown> & { val?: Member };
  const member = message.val;
  if (member === undefined) return null;
  const value = message[member];
  switch (member) {
    case 'int64Val':
    case 'unixTimestampVal':
      return toNumber(value as Longish);
    case 'int64ListVal':
    case 'unixTimestampListVal':
      return ((value as { val: Longish[] }).val ?? []).map(toNumber);
    default:
      return typeof value === 'object' && value !== null && 'val' in value && !(value instanceof Uint8Array) ? (value as { val: unknown[] }).val : value;
  }
}

/** `google.protobuf.Timestamp` of wall-clock `ms` (`Timestamp.FromDatetime`: seconds and nanos, nanos >= 0). */
export function encodeTimestamp(ms: number): Buffer {
  const seconds = Math.floor(ms / 1000);
  const nanos = Math.round((ms - seconds * 1000) * 1e6);
  return Buffer.from(TimestampType.encode({ seconds, nanos }).finish());
}

/** Wall-clock ms of a serialized Timestamp. */
export function decodeTimestamp(bytes: Uint8Array): number {
  const t = TimestampType.decode(bytes) as unknown as { seconds: Longish; nanos: number };
  return toNumber(t.seconds) * 1000 + t.nanos / 1e6;
}
