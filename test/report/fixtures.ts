/** The stored fixture files (test/fixtures/result-*.json) and the generator calls that produce them. */
import { fileURLToPath } from 'node:url';
import type { ResultDocument } from '../../src/results/result-types.js';
import { makeHostileResult, makeResult } from './fixture.js';

export const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

export const STORED_FIXTURES: Readonly<Record<string, () => ResultDocument>> = {
  'result-realistic.json': () => makeResult(),
  'result-variant-json.json': () =>
    makeResult({ seed: 2, variant: 'codec.format=json,codec.compression=none', redisScale: 1.4, encodedBytes: 1406, compression: 'none', localHitRatio: 0.55, startedAt: '2026-11-25T20:17:40.500Z' }),
  'result-closed-partial.json': () =>
    makeResult({ seed: 3, variant: 'codec.format=msgpack,codec.compression=lz4', encodedBytes: 657, compression: 'lz4', model: 'closed', partial: true, failThreshold: false, startedAt: '2026-11-25T20:19:02.000Z' }),
  'result-hostile.json': () => makeHostileResult(),
};
