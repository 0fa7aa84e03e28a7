import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { onRedisFailure, onSourceFailure } from '../../src/cascade/failure-policy.js';

const README = readFileSync(new URL('../../src/cascade/README.md', import.meta.url), 'utf8');

/** The README's policy table rows: `| policy | redis cell | source cell | ... |`. */
function readmeRow(policy: string): string[] {
  const line = README.split('\n').find((l) => l.startsWith(`| \`${policy}\``));
  if (line === undefined) throw new Error(`README has no row for ${policy}`);
  return line.split('|').map((cell) => cell.trim());
}

const WORDS = { 'serve-held': 'serves the held value', source: 'goes to the source', fail: 'fails' } as const;

describe('failure policy', () => {
  it('decides per tier', () => {
    expect(['serve-stale', 'bypass', 'fail-closed'].map((p) => onRedisFailure(p as never))).toEqual(['serve-held', 'source', 'fail']);
    expect(['serve-stale', 'bypass', 'fail-closed'].map((p) => onSourceFailure(p as never))).toEqual(['serve-held', 'fail', 'fail']);
  });

  it.each(['serve-stale', 'bypass', 'fail-closed'] as const)('README table says what the code does for %s', (policy) => {
    const [, , redisCell, sourceCell] = readmeRow(policy);
    expect(redisCell?.toLowerCase()).toContain(WORDS[onRedisFailure(policy)]);
    expect(sourceCell?.toLowerCase()).toContain(WORDS[onSourceFailure(policy)]);
  });
});
