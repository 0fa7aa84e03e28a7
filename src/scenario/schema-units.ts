import * as z from 'zod';
import { describeValue } from './describe-value.js';
import { DURATION_HELP, DURATION_PATTERN, parseDurationMs, parseSizeBytes, SIZE_HELP, SIZE_PATTERN } from './units.js';

/**
 * Zod types for durations (-> milliseconds) and sizes (-> bytes). Their input is free text, which
 * zod cannot describe in JSON Schema, so each schema registers the JSON Schema an editor should see
 * and `scenarioJsonSchema()` substitutes it (see `jsonSchemaFor`).
 */
const jsonSchemas = new WeakMap<object, Record<string, unknown>>();

/** The JSON Schema registered for a zod schema (see `withJsonSchema`), if any. */
export function jsonSchemaFor(schema: object): Record<string, unknown> | undefined {
  return jsonSchemas.get(schema);
}

/** Registers what editors should see for a schema whose checks zod cannot express in JSON Schema. */
export function withJsonSchema<T extends object>(schema: T, json: Record<string, unknown>): T {
  jsonSchemas.set(schema, json);
  return schema;
}

interface UnitRule {
  /** Accept zero (`0`, `"0s"`, `"0B"`); otherwise the value must be > 0. */
  allowZero: boolean;
}

function unitSchema(kind: 'duration' | 'size', rule: UnitRule, parse: (input: string | number) => number) {
  const help = kind === 'duration' ? DURATION_HELP : SIZE_HELP;
  const schema = z.unknown().transform((input, ctx) => {
    if (input === undefined) {
      ctx.addIssue({ code: 'custom', message: `required (${help})`, input, params: { typeMismatch: true } });
      return z.NEVER;
    }
    if (typeof input !== 'string' && typeof input !== 'number') {
      // `typeMismatch` lets union error reporting tell "wrong kind of value" from "bad value".
      ctx.addIssue({ code: 'custom', message: `expected ${help} (got ${describeValue(input)})`, input, params: { typeMismatch: true } });
      return z.NEVER;
    }
    let parsed: number;
    try {
      parsed = parse(input);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message, input });
      return z.NEVER;
    }
    if (rule.allowZero ? parsed < 0 : parsed <= 0) {
      ctx.addIssue({ code: 'custom', message: `must be ${rule.allowZero ? '>= 0' : '> 0'} (got ${describeValue(input)})`, input });
      return z.NEVER;
    }
    return parsed;
  });
  const pattern = kind === 'duration' ? DURATION_PATTERN : SIZE_PATTERN;
  const text = { type: 'string', pattern };
  // Durations need a unit except for a bare zero; sizes also take a bare integer of bytes.
  const bare = kind === 'duration' ? [{ const: 0 }, { const: '0' }] : [{ type: 'integer', minimum: rule.allowZero ? 0 : 1 }];
  return withJsonSchema(schema, {
    anyOf: kind === 'duration' && !rule.allowZero ? [text] : [text, ...bare],
    description: kind === 'duration' ? `${help} (parsed to milliseconds)` : `${help} (parsed to bytes)`,
  });
}

/** A duration written with a unit (`250us`, `20ms`, `5s`, `5m`, `1h`); the output is milliseconds (float). */
export function durationMs(rule: UnitRule = { allowZero: false }) {
  return unitSchema('duration', rule, parseDurationMs);
}

/** A size (`512B`, `2KB`, `1.5MB`, `6GB`, or a bare integer of bytes); the output is whole bytes. */
export function sizeBytes(rule: UnitRule = { allowZero: false }) {
  return unitSchema('size', rule, parseSizeBytes);
}

/**
 * Refinement option: run cross-field checks even when a sibling field already failed, so one pass
 * reports every problem (zod skips them by default). The checks themselves guard their types.
 */
export const EVEN_WITH_ERRORS = {
  when: (payload: z.core.ParsePayload): boolean => typeof payload.value === 'object' && payload.value !== null,
};
