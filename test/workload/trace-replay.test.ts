import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FcbenchError } from '../../src/errors.js';
import { parseTrace, readTraceFile, tracePositionsByFrequency, TraceReplaySampler } from '../../src/workload/trace-replay.js';

const dir = mkdtempSync(join(tmpdir(), 'fcbench-trace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function replay(sampler: TraceReplaySampler, ids: readonly string[], count: number): (string | null)[] {
  return Array.from({ length: count }, () => {
    const position = sampler.next();
    return position < 0 ? null : ids[position]!;
  });
}

describe('parseTrace', () => {
  it('normalises integer lines, keeps string ids, skips blanks and handles CRLF', () => {
    const trace = parseTrace('5\r\nuser:abc\n007\n\n  5  \nuser:abc\n5\n99999999999999999999\n', 't.txt');
    expect(trace.ids).toEqual(['5', 'user:abc', '7', '99999999999999999999']);
    expect(Array.from(trace.sequence)).toEqual([0, 1, 2, 0, 1, 0, 3]);
    expect(Array.from(trace.counts)).toEqual([3, 2, 1, 1]);
  });

  it('rejects a trace without entries, naming the file', () => {
    expect(() => parseTrace('\n  \n', 'empty.txt')).toThrow(/empty\.txt: trace file has no entries/);
  });
});

describe('readTraceFile', () => {
  it('reads a file from disk', () => {
    const file = join(dir, 'keys.txt');
    writeFileSync(file, 'a\nb\na\n');
    expect(readTraceFile(file).ids).toEqual(['a', 'b']);
  });

  it('turns a missing file into a bad-input error naming it', () => {
    const missing = join(dir, 'nope.txt');
    let caught: unknown;
    try {
      readTraceFile(missing);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FcbenchError);
    expect((caught as FcbenchError).code).toBe('bad-input');
    expect((caught as FcbenchError).message).toContain(`${missing}: cannot read trace file (ENOENT)`);
  });
});

describe('TraceReplaySampler', () => {
  const trace = parseTrace('x\ny\nz\n', 't');

  it('replays in order and then reports done (-1) when not looping', () => {
    expect(replay(new TraceReplaySampler(trace, false), trace.ids, 5)).toEqual(['x', 'y', 'z', null, null]);
  });

  it('wraps to the start when looping', () => {
    expect(replay(new TraceReplaySampler(trace, true), trace.ids, 7)).toEqual(['x', 'y', 'z', 'x', 'y', 'z', 'x']);
  });

  it('orders ids by frequency, ties by first appearance', () => {
    expect(tracePositionsByFrequency(parseTrace('a\nb\nc\nc\nb\nd\n', 't'))).toEqual([1, 2, 0, 3]);
  });
});
