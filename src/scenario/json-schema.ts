import * as z from 'zod';
import { scenarioSchema } from './schema.js';
import { jsonSchemaFor } from './schema-units.js';
import { DURATION_PATTERN, SIZE_PATTERN } from './units.js';

/**
 * The JSON Schema of scenario files (the *input* side: durations and sizes as text), for editors
 * (`# yaml-language-server: $schema=...`) and `fcbench schema`. Generated from the zod schema so
 * the two cannot drift; unit-typed fields get the text patterns they registered.
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(scenarioSchema, {
    io: 'input',
    unrepresentable: 'any',
    override: (ctx) => {
      const replacement = jsonSchemaFor(ctx.zodSchema);
      if (replacement === undefined) return;
      for (const key of Object.keys(ctx.jsonSchema)) delete (ctx.jsonSchema as Record<string, unknown>)[key];
      Object.assign(ctx.jsonSchema, structuredClone(replacement));
    },
  });
  addUnitHints(generated);
  const { $schema, ...rest } = generated;
  return { $schema, title: 'fcbench scenario', ...rest };
}

/**
 * A field's own description replaces its unit's, so say the unit again: editors show
 * "local TTL (a duration: 250us, 20ms, 5s, 5m, 1h)" on hover.
 */
function addUnitHints(node: unknown): void {
  if (typeof node !== 'object' || node === null) return;
  const record = node as Record<string, unknown>;
  const first = Array.isArray(record['anyOf']) ? (record['anyOf'][0] as { pattern?: unknown } | undefined) : undefined;
  const description = record['description'];
  if (typeof description === 'string' && !description.startsWith('a ')) {
    if (first?.pattern === DURATION_PATTERN) record['description'] = `${description} (a duration: 250us, 20ms, 5s, 5m, 1h)`;
    if (first?.pattern === SIZE_PATTERN) record['description'] = `${description} (a size: 512B, 2KB, 1.5MB, 6GB or bytes)`;
  }
  for (const value of Object.values(record)) addUnitHints(value);
}
