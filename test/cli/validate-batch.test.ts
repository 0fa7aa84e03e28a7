import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useBuiltCli } from './cli-helpers.js';

/** Bad batch events are refused by `validate` (and so by `run`, before anything is written), one located line each. */
const cli = useBuiltCli();

function file(events: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'fcb-batch-'));
  const path = join(dir, 'scenario.yaml');
  writeFileSync(
    path,
    `name: batch
featureSets:
  - { name: scores, version: v1 }
events:
${events}
`,
  );
  return path;
}

describe('fcbench validate: batch events', () => {
  const cases: [string, string, RegExp][] = [
    ['an unknown feature set', '  - { at: 1s, kind: batch-publish, featureSet: nope, version: v2 }', /:5:\d+: events\[0\]\.featureSet: no feature set named "nope"/],
    ['the current version again', '  - { at: 1s, kind: batch-publish, featureSet: scores, version: v1 }', /:5:\d+: events\[0\]\.version: version "v1" of "scores" already exists/],
    ['changed outside 0..1', '  - { at: 1s, kind: batch-publish, featureSet: scores, version: v2, changed: 1.5 }', /:5:\d+: events\[0\]\.changed: /],
    [
      'versioned-keys with publication: none',
      '  - { at: 1s, kind: batch-publish, featureSet: scores, version: v2, publication: none, invalidation: versioned-keys }',
      /:5:\d+: events\[0\]\.invalidation: versioned-keys needs a publication/,
    ],
    [
      'a rollback of a committed snapshot',
      '  - { at: 1s, kind: batch-publish, featureSet: scores, version: v2 }\n  - { at: 2s, kind: batch-rollback, featureSet: scores, version: v2 }',
      /:6:\d+: events\[1\]\.at: version "v2" is already committed/,
    ],
  ];
  for (const [name, events, message] of cases) {
    it(`refuses ${name}: exit 2, one located line`, async () => {
      const path = file(events);
      const out = await cli.run(['validate', path]);
      expect(out.code).toBe(2);
      expect(out.stderr).toMatch(message);
      expect(out.stderr).toContain(path);
      expect(out.stderr).not.toMatch(/\n\s+at /);
    });
  }
});
