import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rankRequestLog } from '../../src/warm/request-log.js';

const dir = mkdtempSync(join(tmpdir(), 'fcb-rank-log-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('rankRequestLog (analyze\'s reader, keys only)', () => {
  it('ranks by counts whatever the time column holds: ranking reads no times', async () => {
    const ranking = await rankRequestLog(file('odd-times.csv', 'time,entity\nsoon,b\nlater,a\nnever,b\n'));
    expect([ranking.size, ranking.entityAt(0), ranking.shareAt(0), ranking.entityAt(1)]).toEqual([2, 'b', 2 / 3, 'a']);
  });

  it('JSON Lines and one key per line, decimal keys normalised as trace files are', async () => {
    const jsonl = await rankRequestLog(file('log.jsonl', '{"key": 7, "ts": "x"}\n{"key": "007"}\n{"key": "9"}\n'));
    expect([jsonl.entityAt(0), jsonl.shareAt(0)]).toEqual(['7', 2 / 3]);
    const lines = await rankRequestLog(file('keys.txt', 'u1\nu2\nu2\n\nu2\n'));
    expect([lines.entityAt(0), lines.shareAt(0), lines.size]).toEqual(['u2', 3 / 4, 2]);
  });

  it('names the file and line of what it cannot read (exit 2)', async () => {
    await expect(rankRequestLog(file('mixed.csv', 'entity,ts\na,1\n{"entity": "b"}\n'))).rejects.toThrow(/mixed\.csv:3: a JSON line in a CSV log/);
    await expect(rankRequestLog(file('nokey.csv', 'user,ts\na,1\n'))).rejects.toThrow(/nokey\.csv:1: CSV header has no key column/);
  });
});
