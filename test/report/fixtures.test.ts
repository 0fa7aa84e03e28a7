import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateResult } from '../../src/results/read-result.js';
import { FIXTURE_DIR, STORED_FIXTURES } from './fixtures.js';

// FCBENCH_UPDATE_FIXTURES=1 npx vitest run test/report/fixtures.test.ts rewrites the files.
const update = process.env.FCBENCH_UPDATE_FIXTURES === '1';

describe('stored result fixtures', () => {
  for (const [name, make] of Object.entries(STORED_FIXTURES)) {
    it(`${name} matches its generator and validates`, () => {
      const file = path.join(FIXTURE_DIR, name);
      const expected = `${JSON.stringify(make(), null, 2)}\n`;
      if (update) writeFileSync(file, expected);
      const stored = readFileSync(file, 'utf8');
      expect(stored).toBe(expected);
      expect(validateResult(JSON.parse(stored), file).schemaVersion).toBe(1);
    });
  }
});
