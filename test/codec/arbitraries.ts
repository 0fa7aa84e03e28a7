import fc from 'fast-check';
import type { CodecOptions, CompressionKind, SerializerFormat } from '../../src/codec/types.js';
import type { FeatureValues } from '../../src/workload/types.js';

export const FORMATS: readonly SerializerFormat[] = ['json', 'msgpack'];
export const COMPRESSIONS: readonly CompressionKind[] = ['none', 'deflate', 'gzip', 'zstd', 'lz4'];

/** Every format x compression, compressing everything (threshold 0). */
export const ALL_OPTIONS: readonly CodecOptions[] = FORMATS.flatMap((format) =>
  COMPRESSIONS.map((compression) => ({ format, compression, compressAboveBytes: 0 })),
);

/** Fixed seed: property tests are reproducible, never random between runs. */
export const FC_PARAMS = { seed: 20_240_611, numRuns: 60 } as const;

/** Finite doubles; -0 is mapped to 0 because neither JSON nor msgpack (integer 0) keeps its sign. */
export const finiteDouble = fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? 0 : x));

const unicodeText = fc.string({ unit: 'grapheme', maxLength: 40 });
const extraKey = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 }).filter((k) => k !== '__proto__');

/** Feature maps as a store returns them: f0.. floats, i0.. ints, s0.. unicode strings, optional embedding, odd extra keys. */
export const featureValues: fc.Arbitrary<FeatureValues> = fc
  .record({
    floats: fc.array(finiteDouble, { maxLength: 60 }),
    ints: fc.array(fc.maxSafeInteger(), { maxLength: 10 }),
    strings: fc.array(unicodeText, { maxLength: 4 }),
    embedding: fc.option(fc.array(finiteDouble, { maxLength: 800 }), { nil: undefined }),
    extra: fc.array(fc.tuple(extraKey, fc.oneof(finiteDouble, unicodeText)), { maxLength: 4 }),
  })
  .map(({ floats, ints, strings, embedding, extra }) => {
    const entries: Array<[string, number | string | number[]]> = [...extra];
    floats.forEach((v, i) => entries.push([`f${i}`, v]));
    ints.forEach((v, i) => entries.push([`i${i}`, v]));
    strings.forEach((v, i) => entries.push([`s${i}`, v]));
    if (embedding !== undefined) entries.push(['emb', embedding]);
    return Object.fromEntries(entries) as FeatureValues;
  });

/** The deterministic small payload of the benchmarks: 50 floats, 8 ints, 2 strings. */
export function smallPayload(): FeatureValues {
  const values: FeatureValues = {};
  for (let i = 0; i < 50; i++) values[`f${i}`] = i * 1.25 - 17.5;
  for (let i = 0; i < 8; i++) values[`i${i}`] = i * 1000 + 7;
  values['s0'] = 'segment-gold';
  values['s1'] = 'région-ümlaut';
  return values;
}
