import type * as z from 'zod';

/** Longest string the tensor format stores (uint16 length prefix), bytes; UTF-8 takes up to 3 per character. */
const TENSOR_MAX_STRING_CHARS = Math.floor(0xffff / 3);
/** Most values a categorical string may take in the tensor format (uint16 dictionary ids). */
const TENSOR_MAX_CARDINALITY = 0x10000;

/**
 * `codec.format: tensor` lays every feature set out by its payload spec (src/codec/tensor-layout.ts):
 * a spec it cannot lay out is a problem located at the payload field, reported with the rest of the
 * scenario. Runs even when other fields failed, so it reads its input defensively.
 */
export function checkTensorLayouts(codec: unknown, featureSets: unknown, ctx: z.RefinementCtx): void {
  if ((codec as { format?: unknown } | undefined)?.format !== 'tensor') return;
  const sets = Array.isArray(featureSets) ? (featureSets as { payload?: Record<string, unknown> }[]) : [];
  sets.forEach((set, index) => {
    const payload = set?.payload;
    if (payload === undefined || payload === null) return;
    const { strings, categorical, stringLength, cardinality } = payload;
    const plainStrings = typeof strings === 'number' && typeof categorical === 'number' ? strings - categorical : 0;
    if (typeof stringLength === 'number' && stringLength > TENSOR_MAX_STRING_CHARS && plainStrings > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['featureSets', index, 'payload', 'stringLength'],
        input: stringLength,
        message: `codec.format tensor cannot lay out strings of ${stringLength} characters (at most ${TENSOR_MAX_STRING_CHARS}: a uint16 length prefix)`,
      });
    }
    if (typeof cardinality === 'number' && typeof categorical === 'number' && categorical > 0 && cardinality > TENSOR_MAX_CARDINALITY) {
      ctx.addIssue({
        code: 'custom',
        path: ['featureSets', index, 'payload', 'cardinality'],
        input: cardinality,
        message: `codec.format tensor cannot lay out ${cardinality} categories (at most ${TENSOR_MAX_CARDINALITY}: uint16 dictionary ids)`,
      });
    }
  });
}
