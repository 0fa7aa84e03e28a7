import { readFile } from 'node:fs/promises';
import { badInput } from '../errors.js';
import { escapeControls } from '../scenario/problems.js';
import { RESULT_SCHEMA_VERSION, type ResultDocument } from './result-types.js';

const LATENCY_NUMBERS = ['count', 'mean', 'p50', 'p90', 'p95', 'p99', 'p999', 'max'] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks the minimal shape every consumer relies on (schemaVersion, scenario.name,
 * latency.endToEnd) and returns the document typed. Throws `bad-input` naming `source` (a file
 * name) and the offending field. Other fields are trusted as written by the same schema version;
 * the report renders a note for any section whose data is missing rather than failing.
 */
const REQUIRED_SECTIONS = ['tool', 'load', 'serving', 'env', 'requests', 'throughput', 'tiers', 'stampede', 'freshness', 'payload', 'redis', 'cost'] as const;
const REQUIRED_LISTS = ['timeline', 'events', 'thresholds'] as const;

export function validateResult(data: unknown, source: string): ResultDocument {
  if (!isObject(data)) throw badInput(`${source}: not an fcbench result (expected a JSON object)`);
  if (!('schemaVersion' in data)) throw badInput(`${source}: not an fcbench result (no schemaVersion)`);
  if (data.schemaVersion !== RESULT_SCHEMA_VERSION) {
    throw badInput(
      `${source}: schemaVersion ${JSON.stringify(data.schemaVersion)} is not supported (this fcbench reads schemaVersion ${RESULT_SCHEMA_VERSION})`,
    );
  }
  const scenario = data.scenario;
  if (!isObject(scenario) || typeof scenario.name !== 'string') {
    throw badInput(`${source}: scenario.name: expected a string`);
  }
  const latency = data.latency;
  const endToEnd = isObject(latency) ? latency.endToEnd : undefined;
  if (!isObject(endToEnd)) throw badInput(`${source}: latency.endToEnd: expected an object`);
  for (const key of LATENCY_NUMBERS) {
    if (typeof endToEnd[key] !== 'number') throw badInput(`${source}: latency.endToEnd.${key}: expected a number`);
  }
  if (typeof endToEnd.hdr !== 'string') throw badInput(`${source}: latency.endToEnd.hdr: expected a string`);
  // The sections every reader relies on: one missing is a cut or hand-made file, said in one line
  // rather than found as a crash halfway through rendering.
  for (const key of REQUIRED_SECTIONS) {
    if (!isObject(data[key])) throw badInput(`${source}: ${key}: expected an object (not a complete fcbench result)`);
  }
  for (const key of REQUIRED_LISTS) {
    if (!Array.isArray(data[key])) throw badInput(`${source}: ${key}: expected a list (not a complete fcbench result)`);
  }
  return data as unknown as ResultDocument;
}

/** Reads and validates a result file; every failure is a one-line `bad-input` error naming the file. */
export async function readResult(file: string): Promise<ResultDocument> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message;
    throw badInput(`${file}: ${reason}`);
  }
  if (text.trim() === '') throw badInput(`${file}: the file is empty (expected a result written by fcbench run)`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    // V8 quotes a snippet of the text, line breaks and all: escaped, so the error stays one line.
    throw badInput(`${file}: not JSON (${escapeControls((error as Error).message)})`);
  }
  return validateResult(data, file);
}
