import type { Command } from 'commander';
import { scenarioJsonSchema } from '../scenario/json-schema.js';

/** The exact text `fcbench schema` prints (and `scenario.schema.json` holds). */
export function scenarioSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}

/** `fcbench schema`: prints the JSON Schema of scenario files to stdout. */
export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema of scenario files (for editors and CI linting)')
    .addHelpText(
      'after',
      `
Examples:
  fcbench schema > scenario.schema.json
  # then, first line of a scenario file, for completion and checks in editors:
  # yaml-language-server: $schema=../scenario.schema.json`,
    )
    .action(() => {
      process.stdout.write(scenarioSchemaText());
    });
}
