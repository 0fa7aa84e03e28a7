import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { FcbenchError } from '../../src/errors.js';
import { loadScenario, type LoadedScenario, type LoadOptions } from '../../src/scenario/load.js';

/** A temp folder of scenario files for one test file, removed afterwards. */
export function useScenarioDir(): { write(name: string, text: string): string; readonly dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fcbench-scenario-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    write(name, text) {
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    },
  };
}

/** The problem lines `loadScenario` throws (asserting it is a bad-input error), or fails if it loads. */
export async function loadProblems(file: string, options?: LoadOptions): Promise<string[]> {
  let loaded: LoadedScenario | undefined;
  try {
    loaded = await loadScenario(file, options);
  } catch (error) {
    expect(error).toBeInstanceOf(FcbenchError);
    const fcb = error as FcbenchError;
    expect(fcb.code).toBe('bad-input');
    expect(fcb.details[0]).toBe(fcb.message);
    return [...fcb.details];
  }
  throw new Error(`expected problems, but it loaded ${loaded.variants.length} variant(s)`);
}
