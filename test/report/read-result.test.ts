import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FcbenchError } from '../../src/errors.js';
import { readResult } from '../../src/results/read-result.js';
import { FIXTURE_DIR } from './fixtures.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fcbench-read-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rejection(file: string): Promise<FcbenchError> {
  const error = await readResult(file).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FcbenchError);
  expect((error as FcbenchError).code).toBe('bad-input');
  expect((error as FcbenchError).message.startsWith(`${file}: `)).toBe(true);
  return error as FcbenchError;
}

async function fileWith(name: string, content: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, content);
  return file;
}

describe('readResult', () => {
  it('reads a stored result', async () => {
    const result = await readResult(path.join(FIXTURE_DIR, 'result-realistic.json'));
    expect(result.scenario.name).toBe('credit-features-zipf');
    expect(result.latency.endToEnd.count).toBe(40_000);
  });

  it('names a missing file', async () => {
    expect((await rejection(path.join(dir, 'nope.json'))).message).toMatch(/no such file$/);
  });

  it('names a file that is not JSON', async () => {
    expect((await rejection(await fileWith('bad.json', '{"schemaVersion": 1,'))).message).toMatch(/not JSON/);
  });

  it('keeps the not-JSON message on one line when V8 quotes line breaks from the file', async () => {
    const file = await fileWith('lines.json', '[1,\n2,\n]');
    const { message } = await rejection(file);
    // The wording is V8's (Node 20: Unexpected token ']', "[1,\n2,\n]" is not valid JSON).
    expect(message.startsWith(`${file}: not JSON (`), message).toBe(true);
    expect(message).not.toMatch(/[\n\r]/);
  });

  it.each([
    ['empty.json', ''],
    ['blank.json', ' \n\t\n'],
  ])('calls %s empty rather than a JSON syntax error', async (name, content) => {
    const file = await fileWith(name, content);
    expect((await rejection(file)).message).toBe(`${file}: the file is empty (expected a result written by fcbench run)`);
  });

  it('names a directory', async () => {
    expect((await rejection(dir)).message).toBe(`${dir}: is a directory`);
  });

  it.each([
    ['array.json', '[]', /expected a JSON object/],
    ['plain.json', '{"hello": 1}', /no schemaVersion/],
    ['v2.json', '{"schemaVersion": 2}', /schemaVersion 2 is not supported/],
    ['noname.json', '{"schemaVersion": 1, "scenario": {}}', /scenario\.name: expected a string/],
    ['nolatency.json', '{"schemaVersion": 1, "scenario": {"name": "x"}}', /latency\.endToEnd: expected an object/],
    [
      'nop99.json',
      '{"schemaVersion": 1, "scenario": {"name": "x"}, "latency": {"endToEnd": {"count": 1, "mean": 1, "p50": 1, "p90": 1, "p95": 1, "max": 1, "p999": 1, "hdr": ""}}}',
      /latency\.endToEnd\.p99: expected a number/,
    ],
  ])('rejects %s', async (name, content, pattern) => {
    expect((await rejection(await fileWith(name, content))).message).toMatch(pattern);
  });
});
