import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createCodec } from '../../src/codec/index.js';
import { warmEncodingFor } from '../../src/load/warm-writer-for.js';
import { loadScenario } from '../../src/scenario/load.js';
import type * as WorkerInputModule from '../../src/warm/worker-input.js';
import { openParquetInput } from '../../src/warm/parquet-input.js';
import { warmEnvelope } from '../../src/warm/warm-stamp.js';
import { buildCli } from '../cli/cli-helpers.js';
import { SPEC, WARM_SCENARIO, featureRows, tempDir, writeBoth } from './warm-helpers.js';

/**
 * The encode worker (the compiled build's: its worker file exists only there) against the in-thread
 * reader on the same file: every row once, in order, with the same bytes, through many more batches
 * than the worker may run ahead, with a writer slow enough that the worker waits for credit and is
 * woken again, and with a writer that stops early.
 */
const BATCH = 20;
// 82 batches (row groups of 128 hold six of 20 and one of 8): the worker runs out of credit (8 ahead) again and again.
const ROWS = 1_500;

async function setup() {
  const { mainJs } = await buildCli();
  const module = (await import(pathToFileURL(join(dirname(mainJs), '../warm/worker-input.js')).href)) as typeof WorkerInputModule;
  const scenario = (await loadScenario(WARM_SCENARIO)).variants[0]!.scenario;
  const encoding = warmEncodingFor(scenario, BATCH);
  const { parquet } = await writeBoth(tempDir(), featureRows(ROWS));
  const options = { file: parquet, featureSet: { name: 'feats', version: 'v3', payload: SPEC }, entityColumn: 'entity' };
  const open = async () => (await module.openWorkerInput('parquet', options, encoding.codec, encoding.ttlOf('feats'), BATCH))!;
  return { encoding, options, open };
}

describe('the warm encode worker', () => {
  it('gives every row once, in order, with the bytes encoding in-thread gives, to a writer that keeps it waiting', async () => {
    const { encoding, options, open } = await setup();
    const codec = createCodec(encoding.codec);
    const reference = await openParquetInput(options);
    const stamp = reference.stampOf('feats');
    const expected: { entity: string; hex: string; hardExpiresAtMs: number }[] = [];
    for await (const rows of reference.batches(BATCH)) {
      for (const row of rows) {
        const { header, expiries } = warmEnvelope('feats', stamp.version, stamp.writtenAtMs, encoding.ttlOf('feats'), row.entity);
        expected.push({ entity: row.entity, hex: codec.encode(header, row.values!).toString('hex'), hardExpiresAtMs: expiries.hardExpiresAtMs });
      }
    }
    const input = await open();
    const got: typeof expected = [];
    let batches = 0;
    for await (const rows of input.batches(BATCH)) {
      expect(rows.length).toBeLessThanOrEqual(BATCH);
      for (const row of rows) got.push({ entity: row.entity, hex: row.encoded!.bytes.toString('hex'), hardExpiresAtMs: row.encoded!.hardExpiresAtMs });
      // Slower than the worker every few batches: it fills its credit and has to be woken.
      if (++batches % 5 === 0) await new Promise((resolve) => setTimeout(resolve, 15));
    }
    expect(batches).toBeGreaterThan(8 * 5);
    expect(got.length).toBe(ROWS);
    expect(got).toEqual(expected);
    await input.close();
  });

  it('a writer that stops early closes the worker without waiting for the rest', async () => {
    const { open } = await setup();
    const input = await open();
    let rows = 0;
    for await (const batch of input.batches(BATCH)) {
      rows += batch.length;
      if (rows >= 10 * BATCH) break;
    }
    expect(rows).toBeGreaterThanOrEqual(10 * BATCH);
    expect(rows).toBeLessThan(ROWS);
    await input.close(); // idempotent after the generator's own close
  });
});
